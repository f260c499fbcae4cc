// Ruin and recreate over the exact field-service objective: slack induction by string
// removals (Christiaens & Vanden Berghe 2020, "SISR") with simulated annealing, every
// candidate route timed and priced by RouteCost, parts and tools supplied by the
// search itself (depot pickups inserted with the orders that need them, dropped when
// no longer needed).
//
// Insertion is granular (Toth & Vigo's granular neighbourhoods, as in HGS and PyVRP):
// an order is tried on the technician-days of the technicians serving its 100 nearest
// orders, and on the empty ones. A position is timed only if, without the break, the
// order and the stop after it can still be reached in time (the latest arrivals of the
// route, computed backwards), and positions are tried by the travel they add, a lower
// bound on the insertion's cost where waiting is free.
//
// Parts rule (the checker's, made sequence-only): a technician's van is used up over
// the horizon, days in order; what the van lacks for an order is drawn from the latest
// pickup before it (same or earlier day) at a depot that stocks the part; a tool is on
// hand if carried or lent at an earlier pickup: the latest whose depot lends it and
// has a copy that no other technician holds (a lent tool is kept for the horizon, so
// a depot lends at most its copies in all). A depot's stock holds if, for each kind k of pickup
// there, everything drawn by pickups of kinds starting no later than k is at most
// its stock plus the deliveries arrived by k's start (sufficient for the checker's
// rule in time order, because a pickup of a kind starts no earlier than the kind).
//
// Multi-day jobs (a job longer than any day of its technicians) are placed on runs of
// whole days made in Python (Data::run_*, each day's part timed and priced there): a run
// is taken only where its days are empty, and its days then take nothing else. Some
// ruins lift a job and clear the days of another of its runs (Search::ruin_job), so the
// search weighs a job against the work it displaces.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <vector>

#include "data.hpp"
#include "route_cost.hpp"
#include "rng.hpp"

namespace fs {

// The `count` nearest orders to each order (Data::near), itself first.
std::vector<std::vector<int>> nearest_orders(const Data& data, int count);

constexpr int64_t NO_ARRIVAL = std::numeric_limits<int64_t>::min();
// A better plan by less than this share of its cost does not restart Params::patience:
// the running cost drifts by rounding (about 1e-10 of it), and a route driven in reverse
// costs the same (exported as _field_search.ROUNDING for the rounds' check).
constexpr double ROUNDING = 1e-6;

struct Params {
    uint64_t seed = 0;
    int64_t max_iterations = -1;  // work limit (-1: none)
    double time_limit_s = -1.0;   // (-1: none); one of the two limits is set
    double mean_removed = 10.0;   // SISR's c-bar: orders removed per ruin on average
    int max_string = 10;          // SISR's L_max
    double split_rate = 0.5;      // share of ruins that keep a substring inside the string
    double split_depth = 0.01;    // SISR's beta
    double blink_rate = 0.01;     // positions skipped at random while recreating
    double start_temperature = 300.0;  // cost units (a left-out order costs 300 to 10,000)
    double end_temperature = 1.0;
    int left_out_tries = 5;       // orders drawn at random per ruin to re-try if left out
    int retry_near = 20;          // nearest orders of the ruin's seed re-tried if left out
    bool insert_left_out = true;  // insert the orders the start leaves out before searching
    double trouble_rate = 0.2;    // share of ruins that make room for a late or left-out order
    int pickup_depots = 2;        // nearest depots tried for a new pickup before an order
    double job_rate = 0.05;       // share of ruins that lift a multi-day job (where there are any)
    double job_room_rate = 0.5;   // share of those that also clear the days of another of its runs
    bool jobs_first = false;      // the start inserts multi-day jobs before the other orders (else after them)
    int64_t patience = -1;        // iterations without a better plan after which the search ends (-1: never)
    // share of recreates that insert every order where it costs least, dearer than leaving it
    // out or not, then take out again those whose leaving out alone saves (orders that pay
    // only together: two far from everyone, near one another)
    double together_rate = 0.05;
};

// What one pickup collects: the stop's vehicle and position, units per part, tools.
struct Collection {
    int vehicle = 0;
    int position = 0;
    std::vector<int64_t> parts;  // [P]
    std::vector<int> tools;
};

struct Result {
    std::vector<std::vector<int>> routes;  // [V] stops per vehicle
    std::vector<int> runs;                 // the multi-day runs taken (Data::run_*), by order
    std::vector<Collection> collections;   // one per pickup stop
    double cost = 0.0;                     // the full objective, unplanned orders included
    int64_t iterations = 0;
    int64_t evaluations = 0;  // routes timed and priced in full
    int64_t positions = 0;    // insertion positions weighed (reachability and added travel, O(1) each)
    int64_t improvements = 0;
    bool timed_out = false;
    bool converged = false;  // ended by Params::patience
};

// Candidate routes of up to two vehicles of one technician, in place of the solution's.
struct Changes {
    int vehicle = -1;
    const std::vector<int>* route = nullptr;
    int other = -1;
    const std::vector<int>* other_route = nullptr;

    const std::vector<int>& of(int v, const std::vector<int>& current) const {
        return v == vehicle ? *route : v == other ? *other_route : current;
    }
};

struct Solution {
    std::vector<std::vector<int>> routes;  // [V] orders and pickups
    std::vector<double> cost;              // [V] RouteCost of each route
    std::vector<int64_t> busy;             // [V] seconds driving and serving (with a re-plan's fixed stops)
    std::vector<double> day_busy;          // [days] busy summed over the day's vehicles
    std::vector<double> load;              // [V]
    std::vector<int> where;                // [O] vehicle serving each order, -1: none (a multi-day job: see run)
    std::vector<int> run;                  // [O] the run serving a multi-day job, -1: none
    std::vector<int> held;                 // [V] the multi-day job holding the day, -1: none
    std::vector<std::vector<int64_t>> draws;  // [T] each technician's supply (Data::supply_size; empty: none)
    std::vector<int64_t> drawn;            // all technicians' supplies summed: units drawn, copies lent
    double left_out = 0.0;                 // leave-out costs of the orders not served
};

class Search {
public:
    Search(const Data& data, Params params);

    // Improve `initial` (orders per vehicle) with the multi-day `runs` taken (where their
    // days are free; the days' orders of `initial` go elsewhere); orders it leaves out,
    // and orders needing parts or tools, are inserted first (multi-day jobs last, where days are free).
    Result run(const std::vector<std::vector<int>>& initial, const std::vector<int>& runs = {});

private:
    // The full objective of `s`: its routes, the orders left out, and fair days.
    double total(const Solution& s) const;
    // Sets the cost of `vehicle`'s route (after it changed) and its busy time.
    void set_cost(Solution& s, int vehicle, double cost) const;
    // Sets `vehicle`'s busy seconds, and its day's sum.
    void set_busy(Solution& s, int vehicle, int64_t busy) const;
    // Seconds `vehicle` drives and serves on `route` (its re-plan's fixed stops included).
    int64_t busy_of(int vehicle, const std::vector<int>& route) const;
    // What fair days would cost more with `vehicle` busy `busy` seconds instead.
    double balance_delta(const Solution& s, int vehicle, int64_t busy) const;
    // A lower bound on balance_delta for any busy time at least `more` seconds above now.
    double balance_bound(const Solution& s, int vehicle, int64_t more) const;
    void ruin(Solution& s, std::vector<int>& removed);
    // After a ruin emptied (parts of) the `touched` routes: their costs, the technicians'
    // draws, idle pickups off; orders left out get their chance again (those near `seed`,
    // -1: none, and a few anywhere).
    void settle(Solution& s, const std::vector<int>& touched, std::vector<int>& removed, int seed);
    // Takes `length` consecutive orders around `order` off its route (a split string
    // keeps some orders in the middle of a longer string); pickups stay.
    void remove_string(Solution& s, int vehicle, int order, int length, std::vector<int>& removed);
    void recreate(Solution& s, std::vector<int>& removed);
    // Inserts `order` where the plan costs least, if that adds less than `most` (a multiple
    // of its leave-out price, or INF: anywhere it fits); returns what it added (INF: not inserted).
    double insert_best(Solution& s, int order, double most);
    // Takes out, one at a time, the one of `orders` whose leaving out saves most, while one saves.
    void take_out_dear(Solution& s, const std::vector<int>& orders);
    // Multi-day jobs: a run is free where none of its days holds a stop or another job.
    bool run_free(const Solution& s, int run) const;
    void take_run(Solution& s, int run);
    void lift_run(Solution& s, int order);
    // Takes the free run where the plan costs least with it, or leaves `order` out where that is cheaper.
    void insert_job(Solution& s, int order);
    // Lifts a random multi-day job (its days free) and, at job_room_rate, clears the days of
    // one of its runs (the cheaper of two drawn) of their orders, for the recreate to weigh
    // the job there against that work (`touched`: the vehicles whose routes it emptied).
    // Returns the job.
    int ruin_job(Solution& s, std::vector<int>& removed, std::vector<int>& touched);
    // The vehicles worth trying for `order`, by index: those serving one of its nearest
    // orders, and the empty ones, that may serve it (granular insertion: the rest are far).
    const std::vector<int>& granular(const Solution& s, int order);
    // Lists the vehicles whose routes are empty before a recreate (insertions only fill
    // routes, so the list holds every empty one while it lasts).
    void list_empty(const Solution& s);
    void reprice(Solution& s, int vehicle, std::vector<int>& removed);
    // Moves each pickup of `vehicle`'s route to where the route costs least, parts rule kept.
    void move_pickups(Solution& s, int vehicle);
    // A random order that is left out though someone may serve it, or served late; -1: none.
    int troubled(const Solution& s);

    // Whether technician `t`'s days, with the routes of `changes` in place of theirs, keep
    // the parts rule; fills `draws` [S * P]. With `out`, also lists what each pickup collects.
    bool walk(const Solution& s, int t, const Changes& changes, std::vector<int64_t>& draws,
              std::vector<Collection>* out) const;
    // Whether the depots hold what every technician draws when technician `t` draws `draws`.
    bool depots_hold(const Solution& s, int t, const std::vector<int64_t>& draws) const;
    // Whether the parts rule holds with the routes of `changes` (one technician's) in place.
    bool supplied(const Solution& s, const Changes& changes, std::vector<int64_t>& draws) const;
    void set_draws(Solution& s, int t, const std::vector<int64_t>& draws) const;
    // Takes pickups that nothing needs any more off the routes of `vehicles`.
    void drop_idle_pickups(Solution& s, const std::vector<int>& vehicles);
    std::vector<Collection> collections(const Solution& s) const;

    const Data& d_;
    Params p_;
    Rng rng_;
    RouteCost price_;
    std::vector<std::vector<int>> vehicles_;  // [O] vehicles that may serve it
    std::vector<int64_t> last_close_;         // [O] the latest start any window allows
    std::vector<std::vector<std::pair<int, int64_t>>> needs_;  // [O] (part, units)
    std::vector<std::vector<int>> tools_;     // [O] tools needed
    std::vector<std::vector<int>> pickup_kinds_;  // [O] kinds worth a new pickup before it (the nearest depots)
    std::vector<std::vector<int>> far_kinds_;     // [O] those of farther depots, tried where the nearest fail
    std::vector<std::vector<int>> depot_kinds_;   // [D] kinds by start
    std::vector<int> first_vehicle_;          // [T + 1] vehicles of technician t: first_vehicle_[t] ..
    std::vector<std::vector<int>> runs_of_;   // [O] the runs of each multi-day job (empty: not one)
    std::vector<int> jobs_;                   // the orders with runs
    std::vector<double> run_cost_;            // [R] what each run's days cost
    std::vector<double> day_count_;           // [days] technicians who count for fair days
    std::vector<int> scratch_;
    mutable std::vector<double> squares_;  // total()'s per-day sums of squared busy seconds
    std::vector<int> earlier_scratch_;
    std::vector<int64_t> draws_;
    std::vector<uint8_t> ruined_;
    std::vector<int64_t> seen_;  // [V] stamp_ where granular took the vehicle
    int64_t stamp_ = 0;
    std::vector<int> routes_;   // granular's answer
    std::vector<int> empty_;    // list_empty's answer
    std::vector<int> changed_;  // vehicles whose routes this iteration changed
    std::chrono::steady_clock::time_point began_;  // when the search was made: its time limit runs from then
    std::vector<int> trouble_;
    struct Candidate {  // a position to insert an order at, and a lower bound on its cost
        double bound;
        int vehicle, position;
        bool operator<(const Candidate& o) const {
            return bound != o.bound ? bound < o.bound : vehicle != o.vehicle ? vehicle < o.vehicle : position < o.position;
        }
    };
    std::vector<Candidate> candidates_;
    // What insertion reads of a route's times without a break (the forward and backward
    // time-window data of Vidal et al., kept per route), for positions p = 0..n (before
    // stop p; n: before home): `place[p]` is where the technician comes from (home at the
    // start, then the stops; place[n + 1]: home at the end), `drive[p]` the drive from
    // place[p] to place[p + 1], `leave[p]` when he leaves place[p] (home: the shift start),
    // `latest[p]` the latest arrival at stop p (n: home) from which the rest of the day can
    // still keep its windows, depot hours and latest end (NO_ARRIVAL: none), so an
    // insertion that reaches a stop later is infeasible and never timed. Positions after
    // `reachable` are none (a stop there cannot begin: not on a feasible route). Made for
    // `route` and kept while the vehicle's route equals it: a route is walked once per
    // change, not once per order weighed on it.
    struct RouteTimes {
        std::vector<int> route;
        std::vector<int64_t> leave, latest, place;
        std::vector<int32_t> drive;
        int reachable = -1;
    };
    const RouteTimes& times_of(int vehicle, const std::vector<int>& route);
    std::vector<RouteTimes> times_;  // [V]
    int64_t positions_ = 0;  // insertion positions weighed so far (O(1) each)
    bool bound_holds_ = true;  // the added travel bounds an insertion's cost (no waiting price, no promises)
};

}  // namespace fs
