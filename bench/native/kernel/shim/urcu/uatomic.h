#ifndef ACCELMM_UATOMIC_SHIM_H
#define ACCELMM_UATOMIC_SHIM_H
#define uatomic_inc(p) __atomic_add_fetch((p), 1, __ATOMIC_RELAXED)
#define uatomic_dec(p) __atomic_sub_fetch((p), 1, __ATOMIC_RELAXED)
#define uatomic_read(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define uatomic_set(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#endif
