#include "route_cost.hpp"

#include <algorithm>
#include <cstdlib>

namespace fs {

int64_t RouteCost::begin_at(int vehicle, int stop, int64_t earliest) const {
    if (d_.is_pickup(stop)) {
        int kind = stop - d_.n_orders;
        const int64_t* hours = &d_.depot_hours[(d_.kind_depot[kind] * d_.n_days + d_.vehicle_day[vehicle]) * 2];
        int64_t begin = std::max({earliest, hours[0], d_.kind_from[kind]});
        return begin + d_.pickup_duration > hours[1] ? -1 : begin;
    }
    const int64_t* w = &d_.order_windows[(int64_t)stop * d_.max_windows * 2];
    for (int64_t k = 0; k < d_.order_n_windows[stop]; ++k) {
        if (earliest <= w[2 * k + 1]) return std::max(earliest, w[2 * k]);
    }
    return -1;
}

double RouteCost::stop_cost(int vehicle, int order, int64_t begin) const {
    if (d_.is_pickup(order)) return 0.0;
    double cost = -d_.order_sunk[order];
    if (d_.missed_preference(vehicle, order)) cost += d_.preferred_miss[order];
    int64_t late = begin - d_.order_due[order];
    if (late > 0) cost += d_.order_late_base[order] * d_.late_share(late);
    int64_t promised = d_.promised_vehicle[order];
    if (promised != -1) {
        if (promised != vehicle) {
            cost += d_.reassign_cost[order];
        } else {
            int64_t moved = std::llabs(begin - d_.promised_s[order]) - d_.retime_tolerance_s;
            if (moved > 0) cost += d_.retime_per_min[order] * (double)moved / 60.0;
        }
    }
    return cost;
}

int64_t RouteCost::room(int vehicle, int stop, int64_t begin) const {
    if (d_.is_pickup(stop)) {
        const int kind = stop - d_.n_orders;
        const int64_t closes = d_.depot_hours[(d_.kind_depot[kind] * d_.n_days + d_.vehicle_day[vehicle]) * 2 + 1];
        return std::max<int64_t>(0, closes - d_.pickup_duration - begin);
    }
    if (d_.promised_vehicle[stop] != -1) return 0;
    const int64_t* w = &d_.order_windows[(int64_t)stop * d_.max_windows * 2];
    for (int64_t k = 0; k < d_.order_n_windows[stop]; ++k)
        if (w[2 * k] <= begin && begin <= w[2 * k + 1])
            return std::max<int64_t>(0, std::min(w[2 * k + 1], d_.order_due[stop]) - begin);
    return 0;
}

double RouteCost::total(int vehicle, const State& s, int64_t back, int64_t later) const {
    double cost = s.cost;
    int64_t overtime = back - d_.shift_end[vehicle];
    if (overtime > 0) cost += d_.overtime_per_min * (double)overtime / 60.0;
    if (d_.waiting_per_min > 0) cost += d_.waiting_per_min * (double)(s.wait - later) / 60.0;
    return cost + (double)s.travel * d_.travel_per_min / 60.0;
}

double RouteCost::operator()(int vehicle, const int* stops, int n) {
    ++evaluations_;
    // a day without stops stays home, but a re-plan's day resumed away from home (after
    // its fixed stops) drives home: timed like any route, without its latest end and
    // driving limit (the fixed stops took it there), as optimizer/solvers/schedule.py does
    const bool idle = n == 0;
    if (idle && d_.vehicle_start_loc[vehicle] == d_.vehicle_end_loc[vehicle]) return 0.0;
    if (n > d_.max_orders[vehicle]) {  // pickups do not count: the count is only needed near the limit
        int orders = 0;
        for (int i = 0; i < n; ++i) orders += !d_.is_pickup(stops[i]);
        if (orders > d_.max_orders[vehicle]) return INF;
    }
    if ((int)prefix_.size() < n + 1) prefix_.resize(n + 1);
    // The schedule without a break; its state before each stop is also the state of a
    // schedule with the break in a later gap.
    const bool priced_wait = d_.waiting_per_min > 0;
    State s{d_.vehicle_start_loc[vehicle], idle ? d_.home_from[vehicle] : d_.shift_start[vehicle], 0.0, 0, 0, INT64_MAX};
    for (int i = 0; i < n; ++i) {
        prefix_[i] = s;
        int order = stops[i];
        int64_t loc = d_.stop_loc(order);
        int32_t drive = d_.travel(s.loc, loc);
        int64_t reach = s.end + drive;
        int64_t begin = begin_at(vehicle, order, reach);
        if (begin < 0) return INF;
        s.cost += stop_cost(vehicle, order, begin);
        if (i > 0) s.wait += begin - reach;  // the technician leaves home in time for the first
        if (priced_wait) s.slack = std::min(s.slack, s.wait + room(vehicle, order, begin));
        s.travel += drive;
        s.loc = loc;
        s.end = begin + d_.service(vehicle, order);
    }
    prefix_[n] = s;
    int32_t drive = d_.travel(s.loc, d_.vehicle_end_loc[vehicle]);
    int64_t back = s.end + drive;
    if (!idle && back > d_.latest_end[vehicle]) return INF;  // a break only delays
    if (!idle && s.travel + drive > d_.max_travel[vehicle]) return INF;  // nor does it change the driving
    State home = s;
    home.travel += drive;
    if (d_.break_len[vehicle] <= 0 || back <= d_.break_close[vehicle] || (idle && d_.home_early[vehicle]))
        return total(vehicle, home, back, priced_wait ? std::min(s.slack, s.wait) : 0);

    home_ = home;
    home_back_ = back;
    reference_.valid = false;
    double best = INF;
    for (int gap = 0; gap <= n; ++gap) {
        if (std::max(prefix_[gap].end, d_.break_open[vehicle]) > d_.break_close[vehicle]) break;  // and every later gap
        double cost = with_break(vehicle, stops, n, gap, false);
        if (cost < best) best = cost;
    }
    for (int visit = 0; visit < n; ++visit) {  // or inside a long job, where that costs less
        if (d_.is_pickup(stops[visit]) || d_.unbroken[stops[visit]]) continue;  // nor a pickup, nor a crew's visit
        double cost = with_break(vehicle, stops, n, visit, true);
        if (cost < best) best = cost;
    }
    return best;
}

double RouteCost::rejoined(int vehicle, const State& s, int i, int64_t later) const {
    // the schedule without a break
    if (s.end == prefix_[i].end) return total(vehicle, joined(s, prefix_[i], home_), home_back_, later);
    const Trail& r = reference_;
    if (!r.valid || i < r.first || i > r.last || s.end != r.states[i].end) return -1.0;
    return r.infeasible ? INF : total(vehicle, joined(s, r.states[i], r.final_state), r.back, later);
}

RouteCost::State RouteCost::joined(const State& s, const State& at, const State& final_state) {
    State out = s;
    out.cost += final_state.cost - at.cost;
    out.wait += final_state.wait - at.wait;
    out.travel += final_state.travel - at.travel;
    return out;
}

double RouteCost::with_break(int vehicle, const int* stops, int n, int at, bool inside) {
    State s = prefix_[at];
    const int64_t len = d_.break_len[vehicle];
    const bool priced_wait = d_.waiting_per_min > 0;
    // the stops before the break may move later: up to the one before a gap, up to the interrupted visit
    int64_t later = !inside && at > 0 && priced_wait ? std::min(prefix_[at - 1].slack, s.wait) : 0;
    Trail& mine = trail_;
    mine.states.resize(n + 1);
    mine.first = at + 1;  // the states from here on are after the break
    auto keep = [&](int last, bool infeasible, int64_t back) {
        mine.valid = true;
        mine.last = last;
        mine.infeasible = infeasible;
        mine.final_state = s;
        mine.back = back;
        std::swap(trail_, reference_);
    };
    for (int i = at; i <= n; ++i) {
        if (i > at) {
            double cost = rejoined(vehicle, s, i, later);
            if (cost >= 0.0) return cost;
            mine.states[i] = s;
        }
        int64_t loc = i < n ? d_.stop_loc(stops[i]) : d_.vehicle_end_loc[vehicle];
        int32_t drive = d_.travel(s.loc, loc);
        int64_t reach = s.end + drive, earliest = reach, on_site = 0;
        if (i == at && !inside) {
            int64_t start = std::max(s.end, d_.break_open[vehicle]);
            if (start < reach) {  // at the origin or on the road: arrives later
                reach += len;
                earliest = reach;
            } else {  // on site, while waiting
                earliest = start + len;
                on_site = len;
            }
        }
        s.travel += drive;
        if (i == n) {
            if (n > 0 && earliest > d_.latest_end[vehicle]) {
                keep(i, true, 0);
                return INF;
            }
            keep(i, false, earliest);
            return total(vehicle, s, earliest, later);
        }
        int order = stops[i];
        int64_t begin = begin_at(vehicle, order, earliest);
        if (begin < 0) {
            keep(i, true, 0);
            return INF;
        }
        s.cost += stop_cost(vehicle, order, begin);
        // stop 0 after the break in gap 0: the technician left at shift start, and waits
        if (i > 0 || !inside) s.wait += begin - reach - on_site;
        if (inside && i == at && at > 0 && priced_wait) later = std::min(prefix_[at].slack, s.wait);
        s.loc = loc;
        s.end = begin + d_.service(vehicle, order);
        if (inside && i == at) {
            int64_t start = std::max(begin, d_.break_open[vehicle]);
            if (start > d_.break_close[vehicle] || start >= s.end) {
                mine.valid = false;  // no state after this break: nothing to re-join
                return INF;
            }
            s.end += len;
        }
    }
    return INF;  // not reached
}

}  // namespace fs
