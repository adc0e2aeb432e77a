#ifndef CZOOKEEPER_SHIM_H
#define CZOOKEEPER_SHIM_H
// Without THREADED the synchronous API (zoo_create, zoo_get, ...) is not declared.
#define THREADED 1
#include <zookeeper/zookeeper.h>

// Swift 6 refuses direct use of a mutable C global, hence these accessors.
static inline struct ACL_vector *czk_open_acl_unsafe(void) { return &ZOO_OPEN_ACL_UNSAFE; }
#endif
