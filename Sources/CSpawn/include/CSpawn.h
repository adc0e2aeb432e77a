#ifndef CSPAWN_H
#define CSPAWN_H
#include <spawn.h>

// glibc declares these GNU extensions only under _GNU_SOURCE, which Swift's Glibc module does not set.
int cspawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);
int cspawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);
#endif
