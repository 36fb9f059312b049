#pragma once
// What the daemon does with a request once its head is in (see ClientSession): its
// handlers by method and path, and the hooks around them. Each is given the connection the
// request came on, to learn what it overstepped or to hold the response for a commit.
#include "daemon/http/client_connection.h"
#include "daemon/http/response.h"

#include <httplib.h>

#include <exception>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::daemon {

struct Routes {
  using Handler =
      std::function<void(const httplib::Request&, Response&, ClientConnection&)>;

  // Before the body is read: true when it answered the request itself, which then goes
  // no further. A response that a hook or handler gives `Connection: close` ends its
  // connection. A head that broke a framing rule (the connection's breach() tells) comes
  // here too, so that it is refused in its turn; if this does not answer it, it is 400.
  std::function<bool(const httplib::Request&, Response&, ClientConnection&)> before;
  // The methods a path answers and its handler, which runs once the body (a POST's) was
  // read whole. A request for another path or with another method gets no handler
  // (`before` answers it: 404, 405). A GET route answers HEAD too, as HTTP requires: the
  // same handler runs, and the response goes out without its body.
  // Before the body is read, once `before` passed the request and its declared length is
  // within the limit: true when it answered the request itself (a refusal the head alone
  // decides), which then goes no further and leaves the body unread.
  using Admission =
      std::function<bool(const httplib::Request&, Response&, ClientConnection&)>;

  struct Route {
    std::vector<std::string> methods;
    Handler handler;
    Admission admit = nullptr;  // none: every request that gets this far is read and handled

    bool answers(std::string_view request_method) const {
      for (const std::string& method : methods) {
        if (request_method == method || (method == "GET" && request_method == "HEAD")) {
          return true;
        }
      }
      return false;
    }
    // The methods answered, for an Allow field.
    std::string allowed() const {
      std::string list;
      for (const std::string& method : methods) {
        list.append(list.empty() ? "" : ", ").append(method == "GET" ? "GET, HEAD" : method);
      }
      return list;
    }
  };
  // By path. A path that ends in '/' stands for every longer path that starts with it (the
  // members of a collection, whose handler reads the rest); an exact path comes first.
  std::map<std::string, Route, std::less<>> paths;

  // The route of `path`, or null.
  const Route* find(std::string_view path) const {
    if (auto exact = paths.find(path); exact != paths.end()) {
      return &exact->second;
    }
    const Route* found = nullptr;
    std::size_t longest = 0;
    for (const auto& [prefix, route] : paths) {
      if (prefix.back() == '/' && path.size() > prefix.size() && prefix.size() > longest &&
          path.substr(0, prefix.size()) == prefix) {
        found = &route;
        longest = prefix.size();
      }
    }
    return found;
  }
  // Fills in a response whose status is 400 or more (the body, when empty); the
  // connection's breach() tells a bound the client overstepped.
  Handler on_error;
  // A handler threw: fills in the response instead.
  std::function<void(const httplib::Request&, Response&, ClientConnection&,
                     std::exception_ptr)>
      on_exception;
  // Last, before the response is written.
  Handler after;
};

}  // namespace llmgw::daemon
