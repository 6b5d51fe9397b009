/*
 * Page migration (Linux mm/migrate.c; seed 002): move a page's contents to
 * a new page on another node and repoint every mapping through the rmap.
 */
