// The numeric field-service problem the search core reads: a copy of the arrays of
// optimizer.instance.Instance that the search needs, in the same units (integer
// seconds since the horizon start; costs in objective units per minute).
//
// Route stops are order indices 0..n_orders-1; vehicles are technician-days.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fs {

constexpr double INF = 1e300;

struct Data {
    int n_orders = 0;
    int n_vehicles = 0;
    int n_locations = 0;
    int max_windows = 0;

    std::vector<int32_t> travel_s;       // [L * L] from * L + to
    // [L * L] the same drives by destination, to * L + from: insertion reads the drives
    // into one order from many places, which lie together here (a row, in cache) rather
    // than a row apart (a cache miss each). Empty where only a completion runs (building
    // it takes about a quarter of the problem's construction): travel_s is read instead.
    std::vector<int32_t> travel_in;
    std::vector<int64_t> order_loc;      // [O]
    std::vector<int64_t> order_duration; // [O] planned seconds of work (orders recreated by it; visits last `duration`)
    std::vector<int64_t> duration;       // [T * O] seconds each technician works on each order (efficiency)
    std::vector<uint8_t> preferred;      // [T * O] serves the order at no preference cost
    std::vector<double> preferred_miss;  // [O] what a visit by a technician not preferred costs
    std::vector<uint8_t> unbroken;       // [O] no break may interrupt it (a crew's visit: its members end together)
    std::vector<int64_t> order_windows;  // [O * W * 2], start windows sorted by opening
    std::vector<int64_t> order_n_windows;
    std::vector<int64_t> order_due;      // [O]
    std::vector<double> order_late_base; // [O] the price U lateness is a share of
    std::vector<double> order_sunk;      // [O] lateness already accrued (re-plan)
    std::vector<double> order_unplanned; // [O] cost of leaving the order out
    std::vector<double> order_load;      // [O]
    // promises of a re-plan: vehicle (-1 none), start, reassign cost, retime cost per minute
    std::vector<int64_t> promised_vehicle;
    std::vector<int64_t> promised_s;
    std::vector<double> reassign_cost;
    std::vector<double> retime_per_min;
    int64_t retime_tolerance_s = 0;

    // the lateness curve: share of U = breach + sum of shares over spans (minutes)
    double breach = 0.0;
    std::vector<double> late_shares;
    std::vector<double> late_spans_min;

    std::vector<int64_t> vehicle_start_loc; // [V]
    std::vector<int64_t> vehicle_end_loc;
    std::vector<int64_t> shift_start;
    std::vector<int64_t> shift_end;
    std::vector<int64_t> latest_end;
    std::vector<int64_t> break_open; // earliest break start, -1: none
    std::vector<int64_t> break_close;
    std::vector<int64_t> break_len;
    std::vector<double> capacity;
    std::vector<int64_t> max_orders; // [V] orders a day may serve
    std::vector<int64_t> max_travel; // [V] seconds a day may drive
    std::vector<uint8_t> compatible; // [V * O]
    std::vector<uint8_t> closed;     // [V] takes no stop at all, pickups included (a multi-day visit planned outside)
    std::vector<uint8_t> home_early;  // [V] without new stops, no break on the way home (an absence ends the day early, or it ended before now)
    std::vector<int64_t> home_from;   // [V] when a day resumed away from home leaves for home without new stops

    // parts and tools: route stops n_orders + k are depot pickups of kind k (a depot,
    // from the start or from a delivery's arrival on)
    int n_parts = 0;
    int n_tools = 0;
    int n_technicians = 0;
    int n_days = 0;
    std::vector<int64_t> order_parts;    // [O * P] units each order consumes
    std::vector<uint8_t> order_tools;    // [O * K] tools each order needs on site
    std::vector<int64_t> van;            // [T * P] units on each van at the start
    std::vector<uint8_t> carried;        // [T * K] tools each technician carries
    std::vector<uint8_t> depot_tools;    // [D * K] tools each depot lends
    std::vector<int64_t> depot_copies;   // [D * K] copies it may lend over the horizon (a lent one is kept)
    std::vector<int64_t> depot_loc;      // [D]
    std::vector<int64_t> depot_hours;    // [D * days * 2] opening and closing second
    std::vector<int64_t> kind_depot;     // [S]
    std::vector<int64_t> kind_from;      // [S] earliest start of a pickup of this kind
    std::vector<int64_t> kind_available; // [S * P] depot stock plus deliveries arrived by kind_from
    int64_t pickup_duration = 0;
    std::vector<int64_t> vehicle_day;         // [V]
    std::vector<int64_t> vehicle_technician;  // [V], vehicles sorted by technician then day

    // [O] the nearest orders to each order by the drive both ways (ties: lower index),
    // the order itself first: made once per problem (fs::nearest_orders), read by every search
    std::vector<std::vector<int>> near;

    // fair days: balance_per_s2 x, per day, the squared deviations of the technicians'
    // busy seconds (driving plus service) from the day's mean; busy_before [V] is what a
    // re-plan's fixed stops already hold, day_others [days] counts who works that day
    // without a vehicle (busy 0)
    double balance_per_s2 = 0.0;
    std::vector<int64_t> busy_before;
    std::vector<int64_t> day_others;

    // multi-day jobs (optimizer.solvers.multi_day): run r serves order run_order[r] on the
    // run_days[r] consecutive vehicles (one technician's working days) from run_first[r],
    // alone on each; day k of run r costs run_day_cost[run_offset[r] + k] (its part's
    // full cost) and keeps the technician busy run_day_busy[...] seconds (fair days)
    std::vector<int64_t> run_order;
    std::vector<int64_t> run_first;
    std::vector<int64_t> run_days;
    std::vector<double> run_day_cost;
    std::vector<int64_t> run_day_busy;
    std::vector<int64_t> run_offset;  // [R] made from run_days

    double travel_per_min = 1.0;
    double overtime_per_min = 0.0;
    double waiting_per_min = 0.0;

    int n_kinds() const { return (int)kind_depot.size(); }
    // a technician's supply: units drawn per pickup kind and part [S * P], then whether a
    // tool is lent at each depot [D * K]
    size_t supply_size() const { return (size_t)n_kinds() * n_parts + depot_loc.size() * n_tools; }
    size_t lent_at(int depot, int tool) const { return (size_t)n_kinds() * n_parts + (size_t)depot * n_tools + tool; }
    bool is_pickup(int stop) const { return stop >= n_orders; }
    int64_t stop_loc(int stop) const {
        return is_pickup(stop) ? depot_loc[kind_depot[stop - n_orders]] : order_loc[stop];
    }
    int64_t service(int vehicle, int stop) const {
        return is_pickup(stop) ? pickup_duration : duration[vehicle_technician[vehicle] * n_orders + stop];
    }
    bool missed_preference(int vehicle, int order) const {
        return preferred_miss[order] > 0.0 && !preferred[vehicle_technician[vehicle] * n_orders + order];
    }

    int32_t travel(int64_t from, int64_t to) const { return travel_s[from * n_locations + to]; }
    int32_t travel_into(int64_t to, int64_t from) const {
        return travel_in.empty() ? travel(from, to) : travel_in[to * n_locations + from];
    }
    bool allowed(int vehicle, int order) const { return compatible[(int64_t)vehicle * n_orders + order] != 0; }

    // The share of U a service late_s seconds late costs (0 if not late): the curve of
    // optimizer.models.objective.late_cost, in the same arithmetic.
    double late_share(int64_t late_s) const {
        if (late_s <= 0) return 0.0;
        double minutes = (double)late_s / 60.0;
        double share = breach, begin = 0.0;
        for (size_t i = 0; i < late_shares.size(); ++i) {
            double used = minutes - begin;
            if (used < 0.0) used = 0.0;
            if (used > late_spans_min[i]) used = late_spans_min[i];
            share += late_shares[i] * used / late_spans_min[i];
            begin += late_spans_min[i];
        }
        return share;
    }
};

}  // namespace fs
