/* The bouncing ball shared by the FMI 2 and FMI 3 test FMUs: height h and velocity v under
 * gravity g; at an impact (h <= 0 while falling) the velocity reverses, scaled by the
 * coefficient of restitution e; below v_min after an impact the ball rests on the floor. */
#ifndef TWINLOOP_TEST_BALL_PHYSICS_H
#define TWINLOOP_TEST_BALL_PHYSICS_H

typedef struct Ball {
  double* h;
  double* v;
  double* last_impact;
  int* bounces;
  int* resting;
  double g;
  double e;
  double v_min;
} Ball;

static inline void ball_derivatives(const Ball* ball, double dx[2]) {
  dx[0] = *ball->resting ? 0.0 : *ball->v;
  dx[1] = *ball->resting ? 0.0 : -ball->g;
}

/* The event indicator: the height while falling; a positive constant while rising or resting,
 * so that leaving the floor (from h = 0) is not taken for another crossing. */
static inline double ball_indicator(const Ball* ball) {
  return *ball->resting || *ball->v > 0.0 ? 1.0 : *ball->h;
}

/* Handles an impact at `time`; returns 1 when the states changed. */
static inline int ball_event(const Ball* ball, double time) {
  if (*ball->resting || *ball->h > 0.0 || *ball->v >= 0.0) return 0;
  *ball->h = 0.0;
  *ball->v = -ball->e * *ball->v;
  *ball->last_impact = time;
  *ball->bounces += 1;
  if (*ball->v < ball->v_min) {
    *ball->v = 0.0;
    *ball->resting = 1;
  }
  return 1;
}

#endif /* TWINLOOP_TEST_BALL_PHYSICS_H */
