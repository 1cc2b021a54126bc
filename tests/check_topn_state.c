/*
 * check_topn_state.c — the top-N operator's state images: scripts
 * (unbounded, deduplication, window mode) are replayed with a snapshot /
 * restore in the middle and must give output identical to an
 * uninterrupted run, the restored state imaging to the same bytes;
 * truncated images and other plans' images are refused.
 *
 * Harness: support_topn.h (rows, capture, rig, specs, scripts).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "support_run.h"
#include "support_topn.h"

/* ---- snapshot and restore ----------------------------------------------- */

static void unbounded_script(script *sc, int nbatches, bool ops) {
  sc->rows = malloc(sizeof *sc->rows * (size_t)nbatches * 30);
  sc->steps = malloc(sizeof *sc->steps * (size_t)nbatches * 2 + 1);
  sc->nrows = sc->nsteps = 0;
  sc->ops = ops;
  sc->rowwm = true;
  int64_t wm = T0;
  for (int b = 0; b < nbatches; b++) {
    int m = 1 + (int)(rnd() % 30), from = sc->nrows;
    for (int i = 0; i < m; i++) {
      trow r;
      if (ops && sc->nrows > 0 && rnd() % 4 == 0) {
        r = sc->rows[rnd() % (uint64_t)sc->nrows];
        r.op = WEIR_OP_DELETE;
      } else {
        r = rand_row(5);
        r.op = WEIR_OP_INSERT;
      }
      r.wm = wm += (int64_t)(rnd() % 100);
      sc->rows[sc->nrows++] = r;
    }
    sc->steps[sc->nsteps++] = (step){from, sc->nrows, 0};
    if (rnd() % 3 == 0) sc->steps[sc->nsteps++] = (step){-1, 0, wm};
  }
  sc->steps[sc->nsteps++] = (step){-1, 0, WR_WM_END};
}

static void snapshot_of(wr_op *op, wr_buf *img) {
  wr_err err;
  wr_err_clear(&err);
  wr_buf_init(img);
  ck_assert_msg(op->vt->snapshot(op, img, &err) == WEIR_OK, "snapshot: %s", err.msg);
}

/* Runs the script uninterrupted, and again with a snapshot after step cut
 * restored into a fresh operator: the outputs must be identical. */
static void check_snapshot_replay(const specbuf *sb, const script *sc, int cut) {
  rig a, b, c;
  rig_open(&a, &sb->spec);
  play(&a, sc, 0, sc->nsteps);
  rig_open(&b, &sb->spec);
  play(&b, sc, 0, cut);
  wr_buf img;
  snapshot_of(b.op, &img);
  rig_open(&c, &sb->spec);
  wr_rd rd = {(const uint8_t *)img.p, img.n, 0, false};
  wr_err err;
  wr_err_clear(&err);
  ck_assert_msg(c.op->vt->restore(c.op, &rd, &err) == WEIR_OK, "restore: %s", err.msg);
  ck_assert_uint_eq(rd.off, img.n);
  ck_assert_uint_eq(state_size(&c), state_size(&b));
  /* A second image of the restored state is the same bytes. */
  wr_buf img2;
  snapshot_of(c.op, &img2);
  ck_assert_uint_eq(img2.n, img.n);
  ck_assert(memcmp(img.p, img2.p, img.n) == 0);
  wr_buf_free(&img2);
  play(&c, sc, cut, sc->nsteps);
  ck_assert_int_eq(b.cap->n + c.cap->n, a.cap->n);
  for (int i = 0; i < a.cap->n; i++) {
    const capture *x = i < b.cap->n ? b.cap : c.cap;
    int j = i < b.cap->n ? i : i - b.cap->n;
    ck_assert_str_eq(x->rows[j], a.cap->rows[i]);
    ck_assert_int_eq(x->roww[j], a.cap->roww[i]);
  }
  ck_assert_int_eq(b.cap->nwm + c.cap->nwm, a.cap->nwm);
  ck_assert_uint_eq(state_size(&c), state_size(&a));
  wr_buf_free(&img);
  rig_close(&a);
  rig_close(&b);
  rig_close(&c);
}

START_TEST(test_snapshot_unbounded) {
  for (uint64_t s = 1; s <= 12; s++) {
    seed(s);
    bool ops = s % 2 == 0;
    specbuf sb;
    random_spec(&sb, ops);
    script sc;
    unbounded_script(&sc, 40, ops);
    check_snapshot_replay(&sb, &sc, 1 + (int)(rnd() % (uint64_t)(sc.nsteps - 1)));
    script_free(&sc);
  }
}
END_TEST

START_TEST(test_snapshot_dedup) {
  for (uint64_t s = 1; s <= 6; s++) {
    seed(s);
    specbuf sb;
    spec_init(&sb, 1, s % 2);
    spec_key(&sb, CK);
    spec_key(&sb, CS);
    spec_order(&sb, CT, s > 3, false);  /* keep first, then keep last */
    script sc;
    unbounded_script(&sc, 40, false);
    check_snapshot_replay(&sb, &sc, 1 + (int)(rnd() % (uint64_t)(sc.nsteps - 1)));
    script_free(&sc);
  }
}
END_TEST

START_TEST(test_snapshot_window) {
  for (uint64_t s = 1; s <= 8; s++) {
    seed(s);
    specbuf sb;
    window_spec(&sb, 1 + (int64_t)(s % 3), s % 2);
    script sc;
    window_script(&sc, 50);
    check_snapshot_replay(&sb, &sc, 1 + (int)(rnd() % (uint64_t)(sc.nsteps - 1)));
    script_free(&sc);
  }
}
END_TEST

START_TEST(test_snapshot_errors) {
  seed(7);
  specbuf sb;
  spec_keyed(&sb, 2, true, CA, false);
  rig g;
  rig_open(&g, &sb.spec);
  trow rows[20];
  for (int i = 0; i < 20; i++) rows[i] = rand_row(4);
  push_rows(&g, rows, 20, false, false);
  wr_buf img;
  snapshot_of(g.op, &img);
  wr_err err;
  /* Truncated anywhere: an error, never a crash. */
  for (size_t cut = 0; cut < img.n; cut += 7) {
    rig r;
    rig_open(&r, &sb.spec);
    wr_rd rd = {(const uint8_t *)img.p, cut, 0, false};
    wr_err_clear(&err);
    ck_assert_int_ne(r.op->vt->restore(r.op, &rd, &err), WEIR_OK);
    ck_assert(strlen(err.msg) > 0);
    rig_close(&r);
  }
  /* Another plan's image is refused. */
  specbuf other;
  spec_init(&other, 3, true);
  spec_key(&other, CK);
  spec_order(&other, CA, false, false);
  rig r;
  rig_open(&r, &other.spec);
  wr_rd rd = {(const uint8_t *)img.p, img.n, 0, false};
  wr_err_clear(&err);
  ck_assert_int_eq(r.op->vt->restore(r.op, &rd, &err), WEIR_ERROR);
  ck_assert_ptr_nonnull(strstr(err.msg, "does not match"));
  rig_close(&r);
  /* So is the image of the same spec over an append-only input. */
  sb.spec.changelog_input = true;
  rig_open(&r, &sb.spec);
  rd = (wr_rd){(const uint8_t *)img.p, img.n, 0, false};
  wr_err_clear(&err);
  ck_assert_int_eq(r.op->vt->restore(r.op, &rd, &err), WEIR_ERROR);
  ck_assert_ptr_nonnull(strstr(err.msg, "does not match"));
  rig_close(&r);
  wr_buf_free(&img);
  rig_close(&g);
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    test_snapshot_unbounded, test_snapshot_dedup, test_snapshot_window, test_snapshot_errors
  };
  return support_run("topn_state", setup, NULL, 120, tests, SUPPORT_NTESTS(tests));
}
