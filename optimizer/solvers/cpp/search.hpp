// Ruin and recreate over the exact field-service objective: slack induction by string
// removals (Christiaens & Vanden Berghe 2020, "SISR") with simulated annealing, every
// candidate route timed and priced by RouteCost.
#pragma once

#include <cstdint>
#include <vector>

#include "data.hpp"
#include "route_cost.hpp"
#include "rng.hpp"

namespace fs {

struct Params {
    uint64_t seed = 0;
    int64_t max_iterations = -1;  // work limit (-1: none)
    double time_limit_s = -1.0;   // (-1: none); one of the two limits is set
    double mean_removed = 10.0;   // SISR's c-bar: orders removed per ruin on average
    int max_string = 10;          // SISR's L_max
    double split_rate = 0.5;      // share of ruins that keep a substring inside the string
    double split_depth = 0.01;    // SISR's beta
    double blink_rate = 0.01;     // positions skipped at random while recreating
    double start_temperature = 10.0;  // cost units
    double end_temperature = 0.1;
    int neighbours = 100;         // nearest orders remembered per order
    int left_out_tries = 5;       // orders drawn at random per ruin to re-try if left out
};

struct Result {
    std::vector<std::vector<int>> routes;  // [V] stops per vehicle
    double cost = 0.0;                     // the full objective, unplanned orders included
    int64_t iterations = 0;
    int64_t evaluations = 0;
    int64_t improvements = 0;
    bool timed_out = false;
};

struct Solution {
    std::vector<std::vector<int>> routes;  // [V]
    std::vector<double> cost;              // [V] RouteCost of each route
    std::vector<double> load;              // [V]
    std::vector<int> where;                // [O] vehicle serving each order, -1: none
    double total() const;                  // route costs + leave-out costs (set by the search)
    double left_out = 0.0;
};

class Search {
public:
    Search(const Data& data, Params params);

    // Improve `initial` (routes per vehicle; orders it leaves out are inserted first).
    Result run(const std::vector<std::vector<int>>& initial);

private:
    void ruin(Solution& s, std::vector<int>& removed);
    // Takes `length` consecutive orders around `order` off its route (a split string
    // keeps some orders in the middle of a longer string).
    void remove_string(Solution& s, int vehicle, int order, int length, std::vector<int>& removed);
    void recreate(Solution& s, std::vector<int>& removed);
    void insert_best(Solution& s, int order);
    void reprice(Solution& s, int vehicle, std::vector<int>& removed);
    double route_cost(int vehicle, const std::vector<int>& stops);

    const Data& d_;
    Params p_;
    Rng rng_;
    RouteCost price_;
    std::vector<std::vector<int>> near_;      // [O] nearest orders, the order itself first
    std::vector<std::vector<int>> vehicles_;  // [O] vehicles that may serve it
    std::vector<int64_t> last_close_;         // [O] the latest start any window allows
    std::vector<int> scratch_;
    std::vector<uint8_t> ruined_;
};

}  // namespace fs
