/* Installed set-user-ID root in the image registry.k8s.io/e2e-test-images/nonewprivs of the CRI integration:
 * critest runs it as uid 1000 and reads the effective uid from the log, 0 unless no_new_privs kept the
 * set-user-ID bit from taking effect. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  printf("Effective uid: %d\n", (int)geteuid());
  return 0;
}
