#include "cli/output.h"

#include "cli/context.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace llmgw::cli {

namespace {

std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

void print_json(const Context& context, const nlohmann::json& document) {
  auto dump = [](const nlohmann::json& shown) {
    return shown.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  std::string text = context.selection ? dump(context.selection->apply(document)) : dump(document);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
}

void tell(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
}

std::string tab_separated_line(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) {
      line += '\t';
    }
    for (char c : cells[i]) {
      line += c == '\t' || c == '\r' || c == '\n' ? ' ' : c;
    }
  }
  return line + "\n";
}

std::string Table::render(TableStyle style) const {
  auto first = m_rows.begin() + (style.headers == Headers::no ? 1 : 0);
  std::string out;
  if (style.layout == TableLayout::tab_separated) {
    for (auto row = first; row != m_rows.end(); ++row) {
      out += tab_separated_line(*row);
    }
    return out;
  }
  std::vector<std::size_t> widths;
  for (auto row = first; row != m_rows.end(); ++row) {
    widths.resize(std::max(widths.size(), row->size()));
    for (std::size_t i = 0; i < row->size(); ++i) {
      widths[i] = std::max(widths[i], display_width((*row)[i]));
    }
  }
  for (auto row = first; row != m_rows.end(); ++row) {
    std::string line;
    for (std::size_t i = 0; i < row->size(); ++i) {
      line += (*row)[i];
      if (i + 1 < row->size()) {
        line.append(widths[i] - display_width((*row)[i]) + 2, ' ');
      }
    }
    out += line + "\n";
  }
  return out;
}

void print_table(const Context& context, const Table& table) {
  std::string text = table.render(context.table_style());
  std::fwrite(text.data(), 1, text.size(), stdout);
}

std::string render_fields(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::size_t width = 0;
  for (const auto& [name, value] : fields) {
    width = std::max(width, name.size());
  }
  std::string out;
  for (const auto& [name, value] : fields) {
    out += name + ":" + std::string(width - name.size() + 1, ' ') + value + "\n";
  }
  return out;
}

}  // namespace llmgw::cli
