/*
 * Paths inside the container root, looked up as if the root were "/".
 *
 * Every lookup is openat2 (ROOTFD, PATH, O_PATH, RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS): absolute symlinks and ".." stay inside the root,
 * and /proc magic links are refused, so a hostile root filesystem cannot
 * make jshim-spawn create or mount anything outside it.
 *
 * Error contract: the functions return -1 (or NULL) with errno set and
 * leave the message to the caller, who knows the option and the stage.
 * Creating files and directories uses the modes given minus the umask.
 */
#ifndef JSHIM_INROOT_H
#define JSHIM_INROOT_H

#include <stddef.h>

/* Symlinks a creating lookup follows by hand before it gives up (ELOOP),
   the kernel's own limit. */
#define JSHIM_INROOT_MAX_LINKS 40

enum jshim_inroot_last
{
  JSHIM_INROOT_DIR, /* a missing last component becomes a directory */
  JSHIM_INROOT_FILE /* a missing last component becomes an empty file */
};

/*
 * Open PATH (any path; a relative one is taken from the root) inside the
 * root: O_PATH|O_CLOEXEC, symlinks followed inside the root, the last one
 * too.  Returns the fd, or -1 with errno set (ENOENT when it does not
 * exist, ELOOP for a magic link or a symlink loop).
 */
int jshim_inroot_open (int rootfd, const char *path);

/*
 * Like jshim_inroot_open, but creates what is missing: directories with
 * mode 0755 and the last component as LAST says (directory 0755, or an
 * empty regular file 0644).  A dangling symlink on the way is followed
 * inside the root and its target created there.  Returns an O_PATH fd of
 * the result (which may be an existing file of any type), or -1 with errno
 * set (ENOTDIR when a component is not a directory, ELOOP after
 * JSHIM_INROOT_MAX_LINKS symlinks, ENAMETOOLONG...).
 */
int jshim_inroot_mkpath (int rootfd, const char *path,
                         enum jshim_inroot_last last);

/*
 * Open the directory holding PATH's last component, creating missing
 * directories when CREATE is set, and copy that last component into NAME
 * (capacity CAP).  The last component itself is not looked up, so a
 * symlink there is not followed.  Returns an O_PATH|O_DIRECTORY fd, or -1
 * with errno set (EINVAL when PATH has no last component, such as "/" or
 * one ending in "." or "..").
 */
int jshim_inroot_parent (int rootfd, const char *path, int create, char *name,
                         size_t cap);

#endif /* JSHIM_INROOT_H */
