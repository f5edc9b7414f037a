/*
 * The kernel's own structures, built from its lib/xarray.c and lib/interval_tree.c, timed on the
 * operations the JMH benchmarks time on ours, in the same run:
 *   xa_load_random_1m_ns          xa_load of a random index among 1M dense entries
 *   idr_churn_1m_ns               idr_remove of a random id among 1M live ones, then idr_alloc,
 *                                 which hands the same id out again (lib/idr.c)
 *   itree_invalidate_1m_<span>_ns an invalidation over 1M one-page intervals, as
 *                                 mn_itree_invalidate walks them: lock, mark the sequence,
 *                                 interval_tree_iter_first/next calling each notifier's op,
 *                                 end the sequence (mn_itree_invalidate's loop, written here)
 * Each figure is the median over several rounds, printed as "name value".
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <linux/xarray.h>
#include <linux/interval_tree.h>
#include <linux/idr.h>

#include "../timing.h"

#define N (1UL << 20)
#define ROUNDS 7
#define PAGE 4096UL
#define BASE (1UL << 32)
#define QUERIES 1024
#define ROUND_NS 50e6

void radix_tree_init(void);

/* lib/idr.c's debug dump of the IDA calls these, which lib/xarray.c defines only with XA_DEBUG. */
void xa_dump_index(unsigned long index, unsigned int shift)
{
}

void xa_dump_node(const struct xa_node *node)
{
}

static unsigned long rng = 88172645463325252UL;

static unsigned long next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned long *shuffled(unsigned long n)
{
	unsigned long *a = malloc(n * sizeof(*a));
	for (unsigned long i = 0; i < n; i++)
		a[i] = i;
	for (unsigned long i = n - 1; i > 0; i--) {
		unsigned long j = next_random() % (i + 1), t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
	return a;
}

static volatile unsigned long sink;

static void xarray_peers(void)
{
	static DEFINE_XARRAY(dense);
	unsigned long *order = shuffled(N);
	double ns[ROUNDS];

	for (unsigned long i = 0; i < N; i++) {
		xa_store(&dense, i, xa_mk_value(i), GFP_KERNEL);
	}
	for (int r = 0; r < ROUNDS; r++) {
		unsigned long sum = 0;
		double t0 = now_ns();
		for (unsigned long i = 0; i < N; i++)
			sum += xa_to_value(xa_load(&dense, order[i]));
		ns[r] = (now_ns() - t0) / N;
		sink += sum;
	}
	printf("xa_load_random_1m_ns %.1f\n", median(ns, ROUNDS));
	free(order);
}

static void idr_peer(void)
{
	static DEFINE_IDR(idr);
	unsigned long *order = shuffled(N);
	int *ids = malloc(N * sizeof(*ids));
	double ns[ROUNDS];

	for (unsigned long i = 0; i < N; i++)
		ids[i] = idr_alloc(&idr, &ids[i], 0, 0, GFP_KERNEL);
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now_ns();
		for (unsigned long i = 0; i < N; i++) {
			unsigned long k = order[i];
			idr_remove(&idr, ids[k]);
			ids[k] = idr_alloc(&idr, &ids[k], 0, 0, GFP_KERNEL);
		}
		ns[r] = (now_ns() - t0) / N;
	}
	printf("idr_churn_1m_ns %.1f\n", median(ns, ROUNDS));
	free(ids);
	free(order);
}

struct notifier;

struct notifier_ops {
	int (*invalidate)(struct notifier *sub, unsigned long start, unsigned long end,
			  unsigned long cur_seq);
};

struct notifier {
	struct interval_tree_node interval;
	const struct notifier_ops *ops;
	unsigned long invalidate_seq;
};

struct subscriptions {
	int lock;
	struct rb_root_cached itree;
	unsigned long invalidate_seq;
	unsigned long active_invalidate_ranges;
};

static void subs_lock(int *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		;
}

static void subs_unlock(int *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

static noinline int set_seq(struct notifier *sub, unsigned long start,
			    unsigned long end, unsigned long cur_seq)
{
	__atomic_store_n(&sub->invalidate_seq, cur_seq, __ATOMIC_RELAXED);
	return 1;
}

static const struct notifier_ops set_seq_ops = { .invalidate = set_seq };

static int invalidate(struct subscriptions *subs, unsigned long start, unsigned long end)
{
	struct interval_tree_node *node;
	unsigned long cur_seq;
	int refused = 0;

	subs_lock(&subs->lock);
	subs->active_invalidate_ranges++;
	node = interval_tree_iter_first(&subs->itree, start, end - 1);
	if (node)
		subs->invalidate_seq |= 1;
	cur_seq = subs->invalidate_seq;
	subs_unlock(&subs->lock);
	for (; node; node = interval_tree_iter_next(node, start, end - 1)) {
		struct notifier *sub = (struct notifier *)node;

		refused |= !sub->ops->invalidate(sub, start, end, cur_seq);
	}
	subs_lock(&subs->lock);
	if (--subs->active_invalidate_ranges == 0 && (subs->invalidate_seq & 1))
		subs->invalidate_seq++;
	subs_unlock(&subs->lock);
	return refused;
}

static void interval_tree_peers(void)
{
	static const unsigned long spans[] = { 4096, 2097152, 67108864, 1073741824 };
	struct subscriptions subs = { .itree = RB_ROOT_CACHED, .invalidate_seq = 2 };
	struct notifier *subscribed = calloc(N, sizeof(*subscribed));
	unsigned long starts[QUERIES];
	double ns[ROUNDS];

	for (unsigned long i = 0; i < N; i++) {
		subscribed[i].interval.start = BASE + i * PAGE;
		subscribed[i].interval.last = BASE + i * PAGE + PAGE - 1;
		subscribed[i].ops = &set_seq_ops;
		interval_tree_insert(&subscribed[i].interval, &subs.itree);
	}
	for (unsigned s = 0; s < sizeof(spans) / sizeof(spans[0]); s++) {
		unsigned long span = spans[s], slots = N * PAGE / span;

		for (int i = 0; i < QUERIES; i++)
			starts[i] = BASE + (next_random() % (slots ? slots : 1)) * span;
		for (int r = 0; r < ROUNDS; r++) {
			unsigned long ops = 0;
			double t0 = now_ns(), t;

			do {
				sink += invalidate(&subs, starts[ops % QUERIES], starts[ops % QUERIES] + span);
				ops++;
			} while ((t = now_ns()) - t0 < ROUND_NS || ops < 8);
			ns[r] = (t - t0) / ops;
		}
		printf("itree_invalidate_1m_%lu_ns %.1f\n", span, median(ns, ROUNDS));
	}
	free(subscribed);
}

int main(void)
{
	radix_tree_init();
	xarray_peers();
	idr_peer();
	interval_tree_peers();
	return 0;
}
