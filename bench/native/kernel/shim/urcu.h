/* Single-threaded stand-in for liburcu: the peers run on one thread with no concurrent readers,
 * as a non-preemptible kernel's rcu_read_lock() costs nothing. */
#ifndef ACCELMM_URCU_SHIM_H
#define ACCELMM_URCU_SHIM_H
#include <stddef.h>
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};
#define rcu_read_lock() do { } while (0)
#define rcu_read_unlock() do { } while (0)
#define rcu_dereference(p) __atomic_load_n(&(p), __ATOMIC_CONSUME)
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define rcu_register_thread() do { } while (0)
#define rcu_unregister_thread() do { } while (0)
#define synchronize_rcu() do { } while (0)
#define rcu_barrier() do { } while (0)
static inline void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
	func(head);
}
#endif
