/*
 * execplan's native spawn helper: spawns task commands for the runner and relays their output and ends.
 *
 * Why it exists: Node's child_process forks the whole calling process on Linux, so every task of a run
 * paid for copying the page tables of a Node process (the runner, or a forked Node helper of ~45 MB).
 * posix_spawn here uses clone(CLONE_VM | CLONE_VFORK): the child shares this small process's memory until
 * it execs, so a spawn costs the exec and little else, whatever the runner's size. spawn-native.ts starts
 * it and falls back to the Node helpers when it is not built (no C compiler where the package was built).
 *
 * Protocol (little-endian u32 words, one byte stream each way):
 *   in  (stdin):  [len][id] then len bytes: script NUL cwd NUL then zero or more "NAME=value" NUL
 *   out (stdout): [type][id][a][b], 16 bytes, then for DATA b bytes of output:
 *     STARTED 1: a = pid
 *     DATA    2: a = 1 stdout | 2 stderr, b = byte count
 *     END     3: a = how (0 exited, 1 signalled) | 0x100 group empty | 0x200 pipes held; b = code or signal
 *     FAILED  4: a = errno of the spawn, b = 1 when the working directory could not be found
 * Every task is `/bin/sh -c script`, the leader of a new session (so of its own process group), stdin
 * /dev/null, stdout and stderr pipes, every signal at its default, as Node's detached spawn does. Killing
 * is the runner's job: it signals the group itself. End of stdin (the runner closed it, or died) ends the
 * helper; its children are left to the runner's groups, as with the Node helpers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef POSIX_SPAWN_SETSID
#define POSIX_SPAWN_SETSID 0x80
#endif

enum { T_STARTED = 1, T_DATA = 2, T_END = 3, T_FAILED = 4 };
enum { GROUP_GONE = 0x100, PIPES_HELD = 0x200 };
/* How long output pipes a descendant still holds stay open after the leader exits (Node path: 500 ms). */
#define PIPE_GRACE_MS 500

typedef struct {
  uint32_t id;
  pid_t pid;
  int fd[2]; /* stdout, stderr read ends; -1 once closed */
  int exited;
  int status;
  long long exited_at;
} Task;

static Task *tasks;
static size_t ntasks, cap_tasks;
static int sig_pipe[2];
static unsigned char *out;
static size_t out_len, out_cap;
static int dev_null;

static void die(void) { _exit(70); }

static void *grow(void *p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return p;
  size_t c = *cap ? *cap : 16;
  while (c < need) c *= 2;
  p = realloc(p, c * elem);
  if (!p) die();
  *cap = c;
  return p;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void put32(unsigned char *p, uint32_t v) {
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
  p[2] = (v >> 16) & 0xff;
  p[3] = (v >> 24) & 0xff;
}

static uint32_t get32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* Everything of one turn of the loop goes out in one write (the runner wakes once for it). */
static void flush_out(void) {
  size_t done = 0;
  while (done < out_len) {
    ssize_t n = write(1, out + done, out_len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(0); /* the runner is gone: nobody to report to */
    done += (size_t)n;
  }
  out_len = 0;
}

static void emit(uint32_t type, uint32_t id, uint32_t a, uint32_t b, const void *data, size_t len) {
  out = grow(out, &out_cap, out_len + 16 + len, 1);
  put32(out + out_len, type);
  put32(out + out_len + 4, id);
  put32(out + out_len + 8, a);
  put32(out + out_len + 12, b);
  if (len) memcpy(out + out_len + 16, data, len);
  out_len += 16 + len;
  /* A chatty task must not grow the buffer without bound: past 1 MiB it goes out now (blocking, which
     stops reading the children's pipes until the runner catches up: backpressure). */
  if (out_len > (1u << 20)) flush_out();
}

static void on_sigchld(int sig) {
  (void)sig;
  int saved = errno;
  char c = 0;
  (void)!write(sig_pipe[1], &c, 1);
  errno = saved;
}

static void spawn_task(uint32_t id, unsigned char *payload, uint32_t len) {
  /* The payload is NUL-terminated strings; the last one ends at len. */
  char *script = (char *)payload, *end = (char *)payload + len;
  char *cwd = script + strlen(script) + 1;
  if (cwd >= end) die();
  size_t nenv = 0;
  for (char *p = cwd + strlen(cwd) + 1; p < end; p += strlen(p) + 1) nenv++;
  char **envp = malloc((nenv + 1) * sizeof *envp);
  if (!envp) die();
  size_t i = 0;
  for (char *p = cwd + strlen(cwd) + 1; p < end; p += strlen(p) + 1) envp[i++] = p;
  envp[i] = NULL;

  struct stat st;
  if (stat(cwd, &st) != 0) {
    emit(T_FAILED, id, (uint32_t)errno, 1, NULL, 0);
    free(envp);
    return;
  }
  int po[2], pe[2];
  if (pipe2(po, O_CLOEXEC) != 0) {
    emit(T_FAILED, id, (uint32_t)errno, 0, NULL, 0);
    free(envp);
    return;
  }
  if (pipe2(pe, O_CLOEXEC) != 0) {
    emit(T_FAILED, id, (uint32_t)errno, 0, NULL, 0);
    close(po[0]);
    close(po[1]);
    free(envp);
    return;
  }
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, dev_null, 0);
  posix_spawn_file_actions_adddup2(&fa, po[1], 1);
  posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
  posix_spawn_file_actions_addchdir_np(&fa, cwd);
  posix_spawnattr_init(&at);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&at, &none);
  /* Ignored signals survive exec: SIGINT, SIGTERM, SIGHUP and SIGPIPE are ignored here, not in a task. */
  posix_spawnattr_setsigdefault(&at, &all);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  char *argv[] = {"/bin/sh", "-c", script, NULL};
  pid_t pid;
  int rc = posix_spawn(&pid, "/bin/sh", &fa, &at, argv, envp);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  free(envp);
  close(po[1]);
  close(pe[1]);
  if (rc != 0) {
    close(po[0]);
    close(pe[0]);
    emit(T_FAILED, id, (uint32_t)rc, 0, NULL, 0);
    return;
  }
  tasks = grow(tasks, &cap_tasks, ntasks + 1, sizeof *tasks);
  tasks[ntasks++] = (Task){.id = id, .pid = pid, .fd = {po[0], pe[0]}};
  emit(T_STARTED, id, (uint32_t)pid, 0, NULL, 0);
}

static unsigned char *in;
static size_t in_len, in_cap;

static void read_commands(void) {
  in = grow(in, &in_cap, in_len + 65536, 1);
  ssize_t n = read(0, in + in_len, 65536);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    flush_out();
    _exit(0);
  }
  in_len += (size_t)n;
  size_t at = 0;
  while (in_len - at >= 8) {
    uint32_t len = get32(in + at), id = get32(in + at + 4);
    if (in_len - at - 8 < len) break;
    /* The last string's NUL is part of len; a frame without it is not ours. */
    if (len == 0 || in[at + 8 + len - 1] != 0) die();
    spawn_task(id, in + at + 8, len);
    at += 8 + (size_t)len;
  }
  memmove(in, in + at, in_len - at);
  in_len -= at;
}

static void close_fd(Task *t, int k) {
  if (t->fd[k] >= 0) close(t->fd[k]);
  t->fd[k] = -1;
}

static void finish(size_t i, int held) {
  Task *t = &tasks[i];
  close_fd(t, 0);
  close_fd(t, 1);
  uint32_t how, value;
  if (WIFEXITED(t->status)) how = 0, value = (uint32_t)WEXITSTATUS(t->status);
  else how = 1, value = (uint32_t)WTERMSIG(t->status);
  /* Whether the leader left members behind, asked here (usually ESRCH) rather than on the runner's thread. */
  if (kill(-t->pid, 0) != 0 && errno == ESRCH) how |= GROUP_GONE;
  if (held) how |= PIPES_HELD;
  emit(T_END, t->id, how, value, NULL, 0);
  tasks[i] = tasks[--ntasks];
}

static void reap(void) {
  char drain[256];
  while (read(sig_pipe[0], drain, sizeof drain) > 0) {
  }
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) break;
    for (size_t i = 0; i < ntasks; i++)
      if (tasks[i].pid == pid && !tasks[i].exited) {
        tasks[i].exited = 1;
        tasks[i].status = status;
        tasks[i].exited_at = now_ms();
        break;
      }
  }
}

static unsigned char chunk[65536];

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--version") == 0) {
    (void)!write(1, "execplan-spawn-helper 1\n", 24);
    return 0;
  }
  /* The runner decides what stops: a Ctrl-C or a SIGTERM to the whole group must not take the helper,
     which stays to report how the tasks ended. */
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  dev_null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (dev_null < 0 || pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0) die();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigchld;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGCHLD, &sa, NULL);
  fcntl(0, F_SETFD, FD_CLOEXEC);
  fcntl(1, F_SETFD, FD_CLOEXEC);

  struct pollfd *fds = NULL;
  size_t cap_fds = 0;
  /* fds[k] for k >= 2 belongs to task owner[k] stream which[k] */
  size_t *owner = NULL, cap_owner = 0;
  int *which = NULL;
  size_t cap_which = 0;
  for (;;) {
    size_t need = 2 + 2 * ntasks;
    fds = grow(fds, &cap_fds, need, sizeof *fds);
    owner = grow(owner, &cap_owner, need, sizeof *owner);
    which = grow(which, &cap_which, need, sizeof *which);
    size_t nfds = 0;
    fds[nfds++] = (struct pollfd){.fd = 0, .events = POLLIN};
    fds[nfds++] = (struct pollfd){.fd = sig_pipe[0], .events = POLLIN};
    long long deadline = -1;
    for (size_t i = 0; i < ntasks; i++) {
      for (int k = 0; k < 2; k++)
        if (tasks[i].fd[k] >= 0) {
          owner[nfds] = i;
          which[nfds] = k;
          fds[nfds++] = (struct pollfd){.fd = tasks[i].fd[k], .events = POLLIN};
        }
      if (tasks[i].exited) {
        long long d = tasks[i].exited_at + PIPE_GRACE_MS;
        if (deadline < 0 || d < deadline) deadline = d;
      }
    }
    int timeout = -1;
    if (deadline >= 0) {
      long long left = deadline - now_ms();
      timeout = left < 0 ? 0 : (int)left;
    }
    int ready = poll(fds, nfds, timeout);
    if (ready < 0 && errno != EINTR) die();
    if (ready > 0) {
      /* Output first, then exits: a task's last bytes go out before its end. */
      for (size_t k = 2; k < nfds; k++) {
        if (!fds[k].revents) continue;
        Task *t = &tasks[owner[k]];
        int s = which[k];
        ssize_t n = read(t->fd[s], chunk, sizeof chunk);
        if (n > 0) emit(T_DATA, t->id, (uint32_t)(s + 1), (uint32_t)n, chunk, (size_t)n);
        else if (n == 0 || (errno != EINTR && errno != EAGAIN)) close_fd(t, s);
      }
      if (fds[1].revents) reap();
      if (fds[0].revents) read_commands();
    }
    long long now = now_ms();
    for (size_t i = ntasks; i-- > 0;) {
      Task *t = &tasks[i];
      if (!t->exited) continue;
      if (t->fd[0] < 0 && t->fd[1] < 0) finish(i, 0);
      else if (now >= t->exited_at + PIPE_GRACE_MS) finish(i, 1);
    }
    flush_out();
  }
}
