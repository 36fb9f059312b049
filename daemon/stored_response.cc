// GET and DELETE /v1/responses/{id}, GET /v1/responses/{id}/input_items
// (Gateway::stored_response, daemon/gateway.h).
#include "core/logged_string.h"
#include "core/redact.h"
#include "daemon/gateway.h"
#include "daemon/upstream_reply.h"

#include <fmt/format.h>

#include <algorithm>

namespace llmgw::daemon {

namespace {

constexpr std::string_view k_collection = "/v1/responses/";
constexpr std::string_view k_input_items = "/input_items";
constexpr std::size_t k_max_id_bytes = 256;

// The id in a path under k_collection, and whether it asks for the input items; nullopt
// for any other path (an id is letters, digits, '_' and '-').
struct StoredPath {
  std::string id;
  bool input_items = false;
};

std::optional<StoredPath> stored_path(std::string_view path) {
  path.remove_prefix(k_collection.size());
  StoredPath parsed;
  if (path.size() > k_input_items.size() &&
      path.substr(path.size() - k_input_items.size()) == k_input_items) {
    parsed.input_items = true;
    path.remove_suffix(k_input_items.size());
  }
  const bool id_like = !path.empty() && path.size() <= k_max_id_bytes &&
                       std::all_of(path.begin(), path.end(), [](char c) {
                         return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                                c == '-';
                       });
  if (!id_like) {
    return std::nullopt;
  }
  parsed.id.assign(path);
  return parsed;
}

// The query of `target` ("" when none), refused unless it is printable ASCII without
// blanks, as a request line must carry it.
std::string_view forwarded_query(std::string_view target) {
  const std::size_t mark = target.find('?');
  if (mark == std::string_view::npos) {
    return {};
  }
  std::string_view query = target.substr(mark);
  if (!std::all_of(query.begin(), query.end(), [](char c) { return c > ' ' && c < 0x7f; })) {
    throw HttpError(400, "invalid_request", "The query must be percent-encoded");
  }
  return query;
}

// What a stored-response answer is relayed as: JSON unless the provider streams it.
std::string content_type_of(const UpstreamResponse& upstream) {
  std::optional<std::string_view> type = upstream.header("Content-Type");
  return type && type->substr(0, 17) == "text/event-stream" ? "text/event-stream"
                                                             : "application/json";
}

}  // namespace

void Gateway::stored_response(const httplib::Request& request, Response& response) {
  Exchange exchange(request, response, m_metrics, m_options.access_log);
  try {
    auto key = authenticate(request, m_clock.now());
    exchange.authenticated(key);  // access-logged only: nothing runs, nothing is billed
    std::optional<StoredPath> path = stored_path(request.path);
    if (!path || (path->input_items && request.method == "DELETE")) {
      throw HttpError(404, "not_found", "Not found: " + logged_string(request.path));
    }
    const std::optional<KeyDirectory::ResponseMaker> maker = m_keys.response_maker(path->id);
    if (!maker || maker->key_id != key->key.id) {
      throw HttpError(404, "not_found",
                      fmt::format("Response with id '{}' not found", path->id));
    }
    auto catalog = m_keys.catalog();
    const Provider* provider = catalog->find_provider(maker->provider);
    if (provider == nullptr || !provider->enabled || !provider->responses) {
      throw HttpError(404, "not_found",
                      fmt::format("Response '{}' was made by provider {}, which keeps no "
                                  "responses llmgw can reach",
                                  path->id, maker->provider));
    }
    std::string upstream_path = fmt::format("/responses/{}{}{}", path->id,
                                            path->input_items ? k_input_items : "",
                                            forwarded_query(request.target));
    std::string authorization;
    RequestFields headers{{"Accept", "application/json"}};
    if (std::optional<std::string_view> credential = m_upstreams.credential(*provider)) {
      authorization.append("Bearer ").append(*credential);
      headers.emplace_back("Authorization", authorization);
    }
    const std::string_view method =
        request.method == "HEAD" ? std::string_view("GET") : std::string_view(request.method);
    std::unique_ptr<UpstreamResponse> upstream;
    std::string text;
    try {
      upstream = m_upstreams.pool(*provider)->send(method, upstream_path, headers, {});
      if (upstream->status() >= 300) {
        throw upstream_status_error(*provider, *upstream);
      }
      if (auto refusal = unrelayable_answer(*provider, *upstream)) {
        throw *refusal;
      }
      text = upstream->read_all(k_max_upstream_body);
    } catch (const UpstreamError& e) {
      throw upstream_failure(*provider, e);
    }
    std::optional<std::string> masked = SecretFragments(echoable_secrets(*provider)).masked(text);
    response.set_content(masked ? *masked : text, content_type_of(*upstream));
    exchange.finish(200);
  } catch (const HttpError& e) {
    exchange.fail(e, m_options.error_format, response);
  } catch (const std::exception& e) {
    fail_internally(exchange, request, e, response);  // the database busy past its timeout
  }
}

}  // namespace llmgw::daemon
