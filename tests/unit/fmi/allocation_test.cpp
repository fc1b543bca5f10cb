// The drivers promise no memory allocation per step. This file replaces the global operator
// new of the test program with one that counts while a test asks it to.
//
// The replacements pair malloc with free; GCC, seeing both inlined into `new T` / `delete p`
// in this file, takes them for a mismatched pair (-Wmismatched-new-delete) although the
// replaced operators are exactly what the standard allows.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include <atomic>
#include <cstdlib>
#include <new>

#include "test_support.hpp"
#include "twinloop/fmi/driver.hpp"

namespace {

std::atomic<bool> counting{false};
std::atomic<long> allocations{0};

}  // namespace

void* operator new(std::size_t size) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1);
  if (void* memory = std::malloc(size == 0 ? 1 : size)) return memory;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return operator new(size);
}
void operator delete(void* memory) noexcept {
  std::free(memory);
}
void operator delete(void* memory, std::size_t) noexcept {
  std::free(memory);
}
void operator delete[](void* memory) noexcept {
  std::free(memory);
}
void operator delete[](void* memory, std::size_t) noexcept {
  std::free(memory);
}

namespace twinloop::fmi {
namespace {

using testing::TestFmu;

// Steps the driver `steps` times with allocation counting on; returns the count.
long allocations_while_stepping(Driver& driver, int steps, double dt) {
  std::vector<double> inputs(driver.ports().inputs.size(), 1.0);
  std::vector<double> outputs(driver.ports().outputs.size());
  allocations = 0;
  counting = true;
  for (int k = 0; k < steps; ++k) {
    driver.set_inputs(inputs.data());
    driver.step(k * dt, dt);
    driver.get_outputs(outputs.data());
  }
  counting = false;
  return allocations.load();
}

TEST(Allocation, TheCounterCounts) {
  allocations = 0;
  counting = true;
  auto allocated = std::make_unique<std::vector<double>>(3);
  counting = false;
  EXPECT_EQ(allocations.load(), 2);
}

TEST(Allocation, CoSimulationStepsAllocateNothing) {
  for (const char* name : {"pt1", "feedthrough", "feedthrough3"}) {
    auto driver = make_driver(TestFmu(name).open());
    driver->initialize();
    EXPECT_EQ(allocations_while_stepping(*driver, 100, 0.01), 0) << name;
  }
}

TEST(Allocation, ModelExchangeStepsAllocateNothingEvenAtEvents) {
  for (const Solver solver : {Solver::rk4, Solver::dormand_prince}) {
    DriverOptions options;
    options.solver = solver;
    auto ball = make_driver(TestFmu("bouncing_ball").open(), options);
    ball->initialize();
    EXPECT_EQ(allocations_while_stepping(*ball, 250, 0.01), 0);
    EXPECT_GT(ball->statistics().state_events, 5u);
    auto stair = make_driver(TestFmu("stair").open(), options);
    stair->initialize();
    EXPECT_EQ(allocations_while_stepping(*stair, 30, 0.1), 0);  // includes input events
    EXPECT_GT(stair->statistics().time_events, 5u);
  }
}

}  // namespace
}  // namespace twinloop::fmi
