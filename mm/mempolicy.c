/*
 * NUMA memory policies, and the system calls that move pages between nodes
 * by policy (Linux mm/mempolicy.c; seed 002 starts here).
 *
 * Two parts, in this order:
 *   1. policies: struct mempolicy, set_mempolicy / get_mempolicy / mbind,
 *      and the allocation of user pages by policy
 *   2. migration by node: queue_pages_range, migrate_pages(2) ->
 *      do_migrate_pages -> migrate_to_node -> migrate_pages (mm/migrate.c)
 */

/* ---- 1. policies ---- */

/* ---- 2. migration by node ---- */
