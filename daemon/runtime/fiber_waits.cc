// FiberScheduler's waits: how a fiber's descriptors are registered with the thread's
// epoll (armed one-shot per wait, or watched: registered once, edge-triggered, see
// watch_descriptor()), and how a wait parks the fiber until an event or its timeout.
#include "daemon/runtime/fiber_scheduler.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>

namespace llmgw::daemon {

namespace {

// Of a watched descriptor: the end of the input, and urgent data. A read stops short of
// either with them still to be seen, so a drain never clears them: once reported, every
// wait to read asks poll(2).
constexpr std::uint32_t k_read_stoppers = EPOLLRDHUP | EPOLLPRI;

}  // namespace

bool FiberScheduler::arm(int fd, short events) {
  // One-shot: reported once, then silent until armed again by the next wait. A descriptor
  // keeps its registration between waits; one closed meanwhile has lost it (ENOENT).
  epoll_event event{};
  event.events = static_cast<std::uint32_t>(static_cast<unsigned short>(events)) | EPOLLONESHOT;
  event.data.fd = fd;
  if (::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event) == 0) {
    return true;
  }
  return errno == ENOENT && ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event) == 0;
}

void FiberScheduler::watch(int fd) {
  if (fd < 0) {
    return;
  }
  if (static_cast<std::size_t>(fd) >= m_descriptors.size()) {
    m_descriptors.resize(static_cast<std::size_t>(fd) + 1);
  }
  // Reported at once for what it is ready for already, then on every change.
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT | k_read_stoppers | EPOLLET;
  event.data.fd = fd;
  if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event) == 0 ||
      (errno == EEXIST && ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event) == 0)) {
    m_descriptors[fd].watched = true;
    m_descriptors[fd].ready = 0;
  }
}

void FiberScheduler::drained(int fd, short events) {
  if (watched(fd)) {
    m_descriptors[fd].ready &=
        ~(static_cast<std::uint32_t>(static_cast<unsigned short>(events)) & ~k_read_stoppers);
  }
}

void FiberScheduler::forget(int fd) {
  // The registration stays until the descriptor is closed; a wait arms it one-shot.
  if (watched(fd)) {
    m_descriptors[fd].watched = false;
    m_descriptors[fd].ready = 0;
  }
}

bool FiberScheduler::watched(int fd) const {
  return fd >= 0 && static_cast<std::size_t>(fd) < m_descriptors.size() && m_descriptors[fd].watched;
}

bool FiberScheduler::remembered_ready(const pollfd* fds, nfds_t count) const {
  for (nfds_t i = 0; i < count; ++i) {
    std::uint32_t wanted =
        static_cast<std::uint32_t>(static_cast<unsigned short>(fds[i].events)) | POLLERR | POLLHUP;
    if ((fds[i].events & POLLIN) != 0) {
      wanted |= k_read_stoppers;
    }
    if (watched(fds[i].fd) && (m_descriptors[fds[i].fd].ready & wanted) != 0) {
      return true;
    }
  }
  return false;
}

int FiberScheduler::wait(Fiber& fiber, pollfd* fds, nfds_t count, int timeout_ms) {
  bool latched = false;
  std::size_t highest = 0;
  for (nfds_t i = 0; i < count; ++i) {
    fds[i].revents = 0;
    latched = latched || (fds[i].fd >= 0 && latch_fired(fds[i].fd));
    highest = std::max(highest, static_cast<std::size_t>(std::max(fds[i].fd, 0)));
  }
  if (latched || timeout_ms == 0) {
    return ::poll(fds, count, 0);
  }
  if (remembered_ready(fds, count)) {
    // Ready, unless the task has read or written since without saying it found it drained.
    int ready = ::poll(fds, count, 0);
    if (ready != 0) {
      return ready;
    }
    for (nfds_t i = 0; i < count; ++i) {
      drained(fds[i].fd, static_cast<short>(fds[i].events | POLLERR | POLLHUP));
    }
  }
  // What may throw (memory) comes before anything points at the fiber.
  if (highest >= m_descriptors.size()) {
    m_descriptors.resize(highest + 1);
  }
  fiber.timed = timeout_ms > 0;
  if (fiber.timed) {
    const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    if (fiber.spare_timer) {  // the node of an earlier wait: no allocation
      fiber.spare_timer.key() = deadline;
      fiber.timer = m_timers.insert(std::move(fiber.spare_timer));
    } else {
      fiber.timer = m_timers.emplace(deadline, &fiber);
    }
  }
  nfds_t armed = 0;
  bool watchable = true;
  for (; armed < count && watchable; ++armed) {
    const int fd = fds[armed].fd;
    if (fd < 0 || is_latch(fd)) {
      continue;
    }
    watchable = m_descriptors[fd].watched || arm(fd, fds[armed].events);
    if (watchable) {
      m_descriptors[fd].waiter = &fiber;
    }
  }
  if (watchable) {
    fiber.fds = fds;
    fiber.count = count;
    fiber.ready = 0;
    fiber.recheck = false;
    fiber.parked = true;
    fiber.suspend();  // until an event or the timeout
    fiber.fds = nullptr;
    fiber.count = 0;
  }
  if (fiber.timed) {
    fiber.spare_timer = m_timers.extract(fiber.timer);
    fiber.timed = false;
  }
  for (nfds_t i = 0; i < armed; ++i) {
    const int fd = fds[i].fd;
    if (fd >= 0 && m_descriptors[fd].waiter == &fiber) {
      m_descriptors[fd].waiter = nullptr;
    }
  }
  if (!watchable) {
    // Not a descriptor epoll takes (or a closed one): poll(2), blocking this thread.
    return ::poll(fds, count, timeout_ms);
  }
  return fiber.recheck ? ::poll(fds, count, 0) : fiber.ready;
}

}  // namespace llmgw::daemon
