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
    if (n == 0) return 0.0;
    if (n > d_.max_orders[vehicle]) {  // pickups do not count: the count is only needed near the limit
        int orders = 0;
        for (int i = 0; i < n; ++i) orders += !d_.is_pickup(stops[i]);
        if (orders > d_.max_orders[vehicle]) return INF;
    }
    if ((int)prefix_.size() < n + 1) prefix_.resize(n + 1);
    // The schedule without a break; its state before each stop is also the state of a
    // schedule with the break in a later gap.
    const bool priced_wait = d_.waiting_per_min > 0;
    State s{d_.vehicle_start_loc[vehicle], d_.shift_start[vehicle], 0.0, 0, 0, INT64_MAX};
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
    if (back > d_.latest_end[vehicle]) return INF;  // a break only delays
    if (s.travel + drive > d_.max_travel[vehicle]) return INF;  // nor does it change the driving
    State home = s;
    home.travel += drive;
    if (d_.break_len[vehicle] <= 0 || back <= d_.break_close[vehicle])
        return total(vehicle, home, back, priced_wait ? std::min(s.slack, s.wait) : 0);

    double best = INF;
    for (int gap = 0; gap <= n; ++gap) {
        if (std::max(prefix_[gap].end, d_.break_open[vehicle]) > d_.break_close[vehicle]) break;  // and every later gap
        double cost = with_break_in_gap(vehicle, stops, n, gap);
        if (cost < best) best = cost;
    }
    for (int visit = 0; visit < n; ++visit) {  // or inside a long job, where that costs less
        if (d_.is_pickup(stops[visit]) || d_.unbroken[stops[visit]]) continue;  // nor a pickup, nor a crew's visit
        double cost = with_break_inside(vehicle, stops, n, visit);
        if (cost < best) best = cost;
    }
    return best;
}

double RouteCost::with_break_in_gap(int vehicle, const int* stops, int n, int gap) {
    State s = prefix_[gap];
    const int64_t len = d_.break_len[vehicle];
    // the stop before the break stays, those before it may move later
    const int64_t later = gap > 0 && d_.waiting_per_min > 0 ? std::min(prefix_[gap - 1].slack, s.wait) : 0;
    for (int i = gap; i <= n; ++i) {
        int64_t loc = i < n ? d_.stop_loc(stops[i]) : d_.vehicle_end_loc[vehicle];
        int32_t drive = d_.travel(s.loc, loc);
        int64_t reach = s.end + drive, earliest = reach, on_site = 0;
        if (i == gap) {
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
            if (earliest > d_.latest_end[vehicle]) return INF;
            return total(vehicle, s, earliest, later);
        }
        int order = stops[i];
        int64_t begin = begin_at(vehicle, order, earliest);
        if (begin < 0) return INF;
        s.cost += stop_cost(vehicle, order, begin);
        s.wait += begin - reach - on_site;  // stop 0 here means gap 0: the technician left at shift start
        s.loc = loc;
        s.end = begin + d_.service(vehicle, order);
    }
    return INF;  // not reached
}

double RouteCost::with_break_inside(int vehicle, const int* stops, int n, int visit) {
    State s = prefix_[visit];
    int64_t later = 0;  // the interrupted visit stays, those before it may move later
    for (int i = visit; i <= n; ++i) {
        int64_t loc = i < n ? d_.stop_loc(stops[i]) : d_.vehicle_end_loc[vehicle];
        int32_t drive = d_.travel(s.loc, loc);
        int64_t reach = s.end + drive;
        s.travel += drive;
        if (i == n) {
            if (reach > d_.latest_end[vehicle]) return INF;
            return total(vehicle, s, reach, later);
        }
        int order = stops[i];
        int64_t begin = begin_at(vehicle, order, reach);
        if (begin < 0) return INF;
        s.cost += stop_cost(vehicle, order, begin);
        if (i > 0) s.wait += begin - reach;
        if (i == visit && visit > 0 && d_.waiting_per_min > 0) later = std::min(prefix_[visit].slack, s.wait);
        s.loc = loc;
        s.end = begin + d_.service(vehicle, order);
        if (i == visit) {
            int64_t start = std::max(begin, d_.break_open[vehicle]);
            if (start > d_.break_close[vehicle] || start >= s.end) return INF;
            s.end += d_.break_len[vehicle];
        }
    }
    return INF;  // not reached
}

}  // namespace fs
