/* The web server of the images critest calls nginx and hostnet-nginx (.ci/cri-it builds them, none can be
 * pulled here): what the suite checks of nginx is that a process named nginx runs, writes /var/run/nginx.pid,
 * shows "master process" in its command line, answers HTTP GET with 200 on its port, and stops on SIGTERM
 * or SIGQUIT. Usage: nginx [PORT] (default 80); it re-executes itself under nginx's
 * master's command line. */
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char MASTER[] = "nginx: master process nginx -g daemon off;";
static const char PAGE[] = "<html><body>Welcome to nginx (a stand-in of the jshim CRI test)</body></html>\n";

static void stop(int sig) { (void)sig; _exit(0); }

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 0;
  if (port <= 0) port = 80;
  if (strcmp(argv[0], MASTER) != 0) {
    char portArg[16];
    snprintf(portArg, sizeof portArg, "%d", port);
    char *again[] = {(char *)MASTER, portArg, NULL};
    /* by its own path, not /proc/self/exe: the name of the file executed is the process's name (comm) */
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
      perror("nginx: readlink /proc/self/exe");
      return 1;
    }
    self[n] = '\0';
    execv(self, again);
    perror("nginx: execv");
    return 1;
  }
  signal(SIGTERM, stop);
  signal(SIGQUIT, stop);
  signal(SIGINT, stop);
  signal(SIGPIPE, SIG_IGN);
  int listener = socket(AF_INET6, SOCK_STREAM, 0);
  int off = 0, on = 1;
  setsockopt(listener, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in6 addr = {.sin6_family = AF_INET6, .sin6_port = htons((unsigned short)port), .sin6_addr = in6addr_any};
  if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 64) != 0) {
    perror("nginx: listen");
    return 1;
  }
  FILE *pidFile = fopen("/var/run/nginx.pid", "w");
  if (pidFile != NULL) {
    fprintf(pidFile, "%d\n", (int)getpid());
    fclose(pidFile);
  }
  printf("nginx stand-in listening on port %d\n", port);
  fflush(stdout);
  for (;;) {
    int conn = accept(listener, NULL, NULL);
    if (conn < 0) continue;
    char request[4096];
    ssize_t n = read(conn, request, sizeof request);
    if (n > 0) {
      char response[512];
      int len = snprintf(response, sizeof response,
                         "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                         strlen(PAGE), PAGE);
      ssize_t w = write(conn, response, (size_t)len);
      (void)w;
    }
    close(conn);
  }
}
