// The exact cost of one technician-day's route: the times of
// optimizer/solvers/schedule.py (earliest starts, the break in the cheapest gap or,
// for a long job, inside a visit) and the objective of optimizer/solvers/cost.py
// (lateness, overtime, waiting, travel, promises), on the same integers. Stops are
// orders and depot pickups (stop n_orders + k: a pickup of kind k).
#pragma once

#include <cstdint>
#include <vector>

#include "data.hpp"

namespace fs {

class RouteCost {
public:
    explicit RouteCost(const Data& data) : d_(data) {}

    // Cost of serving `stops[0..n)` in order with `vehicle`, or INF where no schedule is
    // feasible or the day would serve more orders or drive longer than its limits.
    // Capacity is not checked here. An empty route costs 0, but for a re-plan's day
    // resumed away from home: its drive home.
    double operator()(int vehicle, const int* stops, int n);

    // How many routes were timed since construction (one per call).
    int64_t evaluations() const { return evaluations_; }

    // The earliest start of `stop` (an order or a pickup) on `vehicle`'s day when the
    // technician can begin at `earliest`: inside the order's first window that allows
    // it, or within the depot's hours; -1 if none.
    int64_t begin_at(int vehicle, int stop, int64_t earliest) const;

private:
    struct State {  // before a stop: where the technician is, since when, and what the route has cost so far
        int64_t loc, end;
        double cost;
        int64_t wait, travel;
        // where waiting is priced: how much later the technician could leave home with
        // none of the stops so far costing more (the least of waiting up to a stop plus
        // how much later it may start; schedule.py's _leave_later)
        int64_t slack;
    };

    double stop_cost(int vehicle, int order, int64_t begin) const;
    // How much later than `begin` `stop` may start and cost no more (schedule.py's _room).
    int64_t room(int vehicle, int stop, int64_t begin) const;
    // The route's cost with the technician leaving home `later` seconds later (waiting saved).
    double total(int vehicle, const State& s, int64_t back, int64_t later) const;
    // The route's cost with the break taken at `at`: in the gap before stop `at` (n: before
    // home), or, with `inside`, inside visit `at`. Where its times come to equal those of the
    // schedule without a break, or of the last schedule with a break at another place, the
    // rest is that schedule's (the same stops from the same time): each route is then
    // timed in about O(n) in all rather than O(n) per place of the break.
    double with_break(int vehicle, const int* stops, int n, int at, bool inside);
    // The cost of the schedule in state `s` before stop `i`, after its break, where a known
    // schedule is at stop i at the same time (its rest added); -1 where none is.
    double rejoined(int vehicle, const State& s, int i, int64_t later) const;
    // `s` with what a schedule added from state `at` to its final state.
    static State joined(const State& s, const State& at, const State& final_state);

    struct Trail {  // a schedule with a break: its states before stops first..last, after the break
        std::vector<State> states;
        int first = 0, last = -1;
        bool valid = false;
        bool infeasible = false;  // ended without a schedule at stop `last`
        State final_state{};      // after the drive home
        int64_t back = 0;         // when home
    };
    const Data& d_;
    std::vector<State> prefix_;  // states of the schedule without a break
    State home_{};               // its final state, after the drive home
    int64_t home_back_ = 0;      // when home
    Trail trail_, reference_;    // the schedule being timed, and the last one timed
    int64_t evaluations_ = 0;
};

}  // namespace fs
