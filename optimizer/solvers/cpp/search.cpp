#include "search.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

namespace fs {

double Search::total(const Solution& s) const {
    double sum = std::accumulate(s.cost.begin(), s.cost.end(), 0.0) + s.left_out;
    if (d_.balance_per_s2 <= 0.0) return sum;
    std::vector<double>& squares = squares_;
    squares.assign(d_.n_days, 0.0);
    for (int v = 0; v < d_.n_vehicles; ++v) squares[d_.vehicle_day[v]] += (double)s.busy[v] * (double)s.busy[v];
    for (int day = 0; day < d_.n_days; ++day)
        if (day_count_[day] > 0) sum += d_.balance_per_s2 * (squares[day] - s.day_busy[day] * s.day_busy[day] / day_count_[day]);
    return sum;
}

int64_t Search::busy_of(int vehicle, const std::vector<int>& route) const {
    int64_t busy = d_.busy_before[vehicle];
    int64_t loc = d_.vehicle_start_loc[vehicle];  // a re-plan's resumed day drives home even with no new stop
    for (int stop : route) {
        busy += d_.travel(loc, d_.stop_loc(stop)) + d_.service(vehicle, stop);
        loc = d_.stop_loc(stop);
    }
    return busy + d_.travel(loc, d_.vehicle_end_loc[vehicle]);
}

void Search::set_cost(Solution& s, int vehicle, double cost) const {
    s.cost[vehicle] = cost;
    if (d_.balance_per_s2 > 0.0) set_busy(s, vehicle, busy_of(vehicle, s.routes[vehicle]));
}

void Search::set_busy(Solution& s, int vehicle, int64_t busy) const {
    s.day_busy[d_.vehicle_day[vehicle]] += (double)(busy - s.busy[vehicle]);
    s.busy[vehicle] = busy;
}

double Search::balance_delta(const Solution& s, int vehicle, int64_t busy) const {
    if (d_.balance_per_s2 <= 0.0) return 0.0;
    const double b = (double)s.busy[vehicle], x = (double)busy - b, sum = s.day_busy[d_.vehicle_day[vehicle]];
    const double n = day_count_[d_.vehicle_day[vehicle]];
    return d_.balance_per_s2 * (2.0 * b * x + x * x - (2.0 * sum * x + x * x) / n);
}

double Search::balance_bound(const Solution& s, int vehicle, int64_t more) const {
    if (d_.balance_per_s2 <= 0.0) return 0.0;
    const double n = day_count_[d_.vehicle_day[vehicle]];
    if (n <= 1.0) return 0.0;
    // the change is convex in the added time x: x^2 (1 - 1/n) + 2x (b - sum/n), least at its vertex
    const double b = (double)s.busy[vehicle], sum = s.day_busy[d_.vehicle_day[vehicle]];
    const double vertex = -(b - sum / n) / (1.0 - 1.0 / n);
    return balance_delta(s, vehicle, s.busy[vehicle] + std::max<int64_t>(more, (int64_t)std::ceil(vertex)));
}

std::vector<std::vector<int>> nearest_orders(const Data& d, int count) {
    const int n = d.n_orders;
    std::vector<std::vector<int>> near(n);
    std::vector<int> others(n);
    const int keep = std::min(n, count + 1);
    for (int o = 0; o < n; ++o) {
        std::iota(others.begin(), others.end(), 0);
        auto gap = [&](int x) {
            if (x == o) return (int64_t)-1;
            return (int64_t)d.travel(d.order_loc[o], d.order_loc[x]) + d.travel(d.order_loc[x], d.order_loc[o]);
        };
        auto closer = [&](int a, int b) {
            int64_t ga = gap(a), gb = gap(b);
            return ga != gb ? ga < gb : a < b;
        };
        std::nth_element(others.begin(), others.begin() + (keep - 1), others.end(), closer);
        std::sort(others.begin(), others.begin() + keep, closer);
        near[o].assign(others.begin(), others.begin() + keep);
    }
    return near;
}

Search::Search(const Data& data, Params params)
    : d_(data),
      p_(params),
      rng_(params.seed),
      price_(data),
      ruined_(data.n_vehicles, 0),
      seen_(data.n_vehicles, 0),
      began_(std::chrono::steady_clock::now()) {  // the time limit counts from here
    const int n = d_.n_orders;
    times_.resize(d_.n_vehicles);
    vehicles_.resize(n);
    last_close_.assign(n, -1);
    for (int o = 0; o < n; ++o) {
        for (int v = 0; v < d_.n_vehicles; ++v)
            if (d_.allowed(v, o)) vehicles_[o].push_back(v);
        const int64_t* w = &d_.order_windows[(int64_t)o * d_.max_windows * 2];
        for (int64_t k = 0; k < d_.order_n_windows[o]; ++k) last_close_[o] = std::max(last_close_[o], w[2 * k + 1]);
    }

    // parts and tools
    const int P = d_.n_parts, K = d_.n_tools, S = d_.n_kinds();
    const int D = (int)d_.depot_loc.size();
    needs_.resize(n);
    tools_.resize(n);
    pickup_kinds_.resize(n);
    far_kinds_.resize(n);
    depot_kinds_.resize(D);
    for (int k = 0; k < S; ++k) depot_kinds_[d_.kind_depot[k]].push_back(k);
    for (auto& kinds : depot_kinds_)
        std::sort(kinds.begin(), kinds.end(), [&](int a, int b) { return d_.kind_from[a] < d_.kind_from[b]; });
    for (int o = 0; o < n; ++o) {
        for (int part = 0; part < P; ++part)
            if (d_.order_parts[(int64_t)o * P + part] > 0) needs_[o].emplace_back(part, d_.order_parts[(int64_t)o * P + part]);
        for (int tool = 0; tool < K; ++tool)
            if (d_.order_tools[(int64_t)o * K + tool]) tools_[o].push_back(tool);
        if (needs_[o].empty() && tools_[o].empty()) continue;
        // the nearest depots that hold one of its parts at some time or lend one of its tools
        std::vector<int> depots(D);
        std::iota(depots.begin(), depots.end(), 0);
        auto away = [&](int dep) {
            return (int64_t)d_.travel(d_.order_loc[o], d_.depot_loc[dep]) + d_.travel(d_.depot_loc[dep], d_.order_loc[o]);
        };
        std::stable_sort(depots.begin(), depots.end(), [&](int a, int b) { return away(a) < away(b); });
        int taken = 0;
        for (int dep : depots) {
            bool useful = false;  // holds all the units of one of its parts at some time, or lends one of its tools
            for (auto [part, units] : needs_[o])
                for (int k : depot_kinds_[dep]) useful = useful || d_.kind_available[(int64_t)k * P + part] >= units;
            for (int tool : tools_[o]) useful = useful || d_.depot_tools[(int64_t)dep * K + tool];
            if (!useful) continue;
            auto& kinds = taken++ < p_.pickup_depots ? pickup_kinds_[o] : far_kinds_[o];
            for (int k : depot_kinds_[dep]) kinds.push_back(d_.n_orders + k);
        }
    }
    bound_holds_ = d_.waiting_per_min <= 0.0 &&
                   std::all_of(d_.promised_vehicle.begin(), d_.promised_vehicle.end(), [](int64_t v) { return v == -1; });
    first_vehicle_.assign(d_.n_technicians + 1, d_.n_vehicles);
    for (int v = d_.n_vehicles - 1; v >= 0; --v) first_vehicle_[d_.vehicle_technician[v]] = v;
    for (int t = d_.n_technicians - 1; t >= 0; --t)
        first_vehicle_[t] = std::min(first_vehicle_[t], first_vehicle_[t + 1]);
    runs_of_.resize(n);
    for (int r = 0; r < (int)d_.run_order.size(); ++r) {
        runs_of_[d_.run_order[r]].push_back(r);
        double cost = 0.0;
        for (int64_t k = 0; k < d_.run_days[r]; ++k) cost += d_.run_day_cost[d_.run_offset[r] + k];
        run_cost_.push_back(cost);
    }
    for (int o = 0; o < n; ++o)
        if (!runs_of_[o].empty()) jobs_.push_back(o);
    day_count_.assign(d_.n_days, 0.0);
    for (int day = 0; day < d_.n_days; ++day) day_count_[day] = (double)d_.day_others[day];
    for (int v = 0; v < d_.n_vehicles; ++v) day_count_[d_.vehicle_day[v]] += 1.0;
}

bool Search::walk(const Solution& s, int t, const Changes& changes, std::vector<int64_t>& draws,
                  std::vector<Collection>* out) const {
    const int P = d_.n_parts, K = d_.n_tools;
    std::vector<int64_t> van(d_.van.begin() + (int64_t)t * P, d_.van.begin() + (int64_t)(t + 1) * P);
    std::vector<uint8_t> on_hand(d_.carried.begin() + (int64_t)t * K, d_.carried.begin() + (int64_t)(t + 1) * K);
    std::vector<uint8_t> lendable(K, 0);
    std::vector<int> visited;  // with out: index into *out of each of this technician's pickups so far
    std::vector<int> kinds;    // the kind of each of them
    draws.assign(d_.supply_size(), 0);
    for (int v = first_vehicle_[t]; v < first_vehicle_[t + 1]; ++v) {
        const std::vector<int>& stops = changes.of(v, s.routes[v]);
        for (int i = 0; i < (int)stops.size(); ++i) {
            int stop = stops[i];
            if (d_.is_pickup(stop)) {
                kinds.push_back(stop - d_.n_orders);
                const int depot = (int)d_.kind_depot[kinds.back()];
                for (int tool = 0; tool < K; ++tool) lendable[tool] |= d_.depot_tools[(int64_t)depot * K + tool];
                if (out) {
                    visited.push_back((int)out->size());
                    out->push_back(Collection{v, i, std::vector<int64_t>(P, 0), {}});
                }
                continue;
            }
            for (int tool : tools_[stop]) {
                if (on_hand[tool]) continue;
                if (!lendable[tool]) return false;
                // collected at the latest pickup whose depot lends it and has a copy left
                int j = (int)kinds.size() - 1;
                for (; j >= 0; --j) {
                    const int depot = (int)d_.kind_depot[kinds[j]];
                    if (!d_.depot_tools[depot * K + tool]) continue;
                    const size_t at = d_.lent_at(depot, tool);
                    const int64_t others = s.drawn[at] - (s.draws[t].empty() ? 0 : s.draws[t][at]);
                    if (others < d_.depot_copies[depot * K + tool]) break;
                }
                if (j < 0) return false;  // every copy is lent to others
                on_hand[tool] = 1;
                draws[d_.lent_at((int)d_.kind_depot[kinds[j]], tool)] = 1;
                if (out) (*out)[visited[j]].tools.push_back(tool);
            }
            for (auto [part, units] : needs_[stop]) {
                int64_t take = std::min(van[part], units);
                van[part] -= take;
                int64_t lack = units - take;
                if (lack == 0) continue;
                int j = (int)kinds.size() - 1;  // the latest pickup before it at a depot that stocks the part
                while (j >= 0 && d_.kind_available[(int64_t)kinds[j] * P + part] == 0) --j;
                if (j < 0) return false;
                draws[(int64_t)kinds[j] * P + part] += lack;
                if (out) (*out)[visited[j]].parts[part] += lack;
            }
        }
    }
    return true;
}

bool Search::depots_hold(const Solution& s, int t, const std::vector<int64_t>& draws) const {
    const int P = d_.n_parts;
    const std::vector<int64_t>& old = s.draws[t];
    std::vector<int64_t> cumulative(P);
    for (const auto& kinds : depot_kinds_) {
        std::fill(cumulative.begin(), cumulative.end(), 0);
        for (int k : kinds)
            for (int part = 0; part < P; ++part) {
                int64_t at = (int64_t)k * P + part;
                cumulative[part] += s.drawn[at] - (old.empty() ? 0 : old[at]) + draws[at];
                if (cumulative[part] > d_.kind_available[at]) return false;
            }
    }
    return true;
}

bool Search::supplied(const Solution& s, const Changes& changes, std::vector<int64_t>& draws) const {
    int t = (int)d_.vehicle_technician[changes.vehicle];
    return walk(s, t, changes, draws, nullptr) && depots_hold(s, t, draws);
}

void Search::set_draws(Solution& s, int t, const std::vector<int64_t>& draws) const {
    std::vector<int64_t>& mine = s.draws[t];
    if (mine.empty()) mine.assign(draws.size(), 0);
    bool any = false;
    for (size_t i = 0; i < draws.size(); ++i) {
        s.drawn[i] += draws[i] - mine[i];
        mine[i] = draws[i];
        any = any || draws[i] != 0;
    }
    if (!any) mine.clear();
}

void Search::drop_idle_pickups(Solution& s, const std::vector<int>& vehicles) {
    for (int v : vehicles) {
        for (int i = (int)s.routes[v].size() - 1; i >= 0; --i) {
            if (!d_.is_pickup(s.routes[v][i])) continue;
            scratch_ = s.routes[v];
            scratch_.erase(scratch_.begin() + i);
            double cost = price_(v, scratch_.data(), (int)scratch_.size());
            if (cost >= INF || cost > s.cost[v] + 1e-9 || !supplied(s, Changes{v, &scratch_}, draws_)) continue;
            s.routes[v] = scratch_;
            set_cost(s, v, cost);
            set_draws(s, (int)d_.vehicle_technician[v], draws_);
        }
    }
}

std::vector<Collection> Search::collections(const Solution& s) const {
    std::vector<Collection> out;
    std::vector<int64_t> draws;
    for (int t = 0; t < d_.n_technicians; ++t) walk(s, t, Changes{}, draws, &out);
    return out;
}


void Search::reprice(Solution& s, int vehicle, std::vector<int>& removed) {
    double cost = price_(vehicle, s.routes[vehicle].data(), (int)s.routes[vehicle].size());
    if (cost < INF) {
        set_cost(s, vehicle, cost);
        return;
    }
    // no schedule left: every stop goes, and so does every order of the technician that
    // needed parts or tools (their pickups may have been on this route)
    const int t = (int)d_.vehicle_technician[vehicle];
    s.routes[vehicle].clear();
    set_cost(s, vehicle, 0.0);
    for (int v = first_vehicle_[t]; v < first_vehicle_[t + 1]; ++v) {
        std::vector<int> kept;
        for (int stop : s.routes[v]) {
            if (d_.is_pickup(stop) || (needs_[stop].empty() && tools_[stop].empty())) {
                kept.push_back(stop);
                continue;
            }
            s.where[stop] = -1;
            s.left_out += d_.order_unplanned[stop];
            s.load[v] -= d_.order_load[stop];
            removed.push_back(stop);
        }
        if (kept.size() != s.routes[v].size()) {
            s.routes[v] = kept;
            set_cost(s, v, price_(v, kept.data(), (int)kept.size()));  // fewer stops: still feasible
        }
    }
    for (int order = 0; order < d_.n_orders; ++order)
        if (s.where[order] == vehicle) {
            s.where[order] = -1;
            s.left_out += d_.order_unplanned[order];
            removed.push_back(order);
        }
    s.load[vehicle] = 0.0;
    set_draws(s, t, std::vector<int64_t>(d_.supply_size(), 0));
}

bool Search::run_free(const Solution& s, int run) const {
    for (int64_t v = d_.run_first[run]; v < d_.run_first[run] + d_.run_days[run]; ++v)
        if (s.held[v] >= 0 || !s.routes[v].empty()) return false;
    return true;
}

void Search::take_run(Solution& s, int run) {
    const int order = (int)d_.run_order[run];
    for (int64_t k = 0; k < d_.run_days[run]; ++k) {
        const int v = (int)(d_.run_first[run] + k);
        s.held[v] = order;
        s.cost[v] = d_.run_day_cost[d_.run_offset[run] + k];
        set_busy(s, v, d_.busy_before[v] + d_.run_day_busy[d_.run_offset[run] + k]);
    }
    s.run[order] = run;
    s.left_out -= d_.order_unplanned[order];
}

void Search::lift_run(Solution& s, int order) {
    const int run = s.run[order];
    for (int64_t v = d_.run_first[run]; v < d_.run_first[run] + d_.run_days[run]; ++v) {
        s.held[v] = -1;
        s.cost[v] = price_(v, nullptr, 0);  // an empty day
        set_busy(s, (int)v, busy_of((int)v, s.routes[v]));
    }
    s.run[order] = -1;
    s.left_out += d_.order_unplanned[order];
}

void Search::insert_job(Solution& s, int order) {
    double best = d_.order_unplanned[order];  // only a run that costs less than leaving the job out
    int chosen = -1;
    for (int run : runs_of_[order]) {
        if (!run_free(s, run)) continue;
        double delta = run_cost_[run];
        for (int64_t k = 0; k < d_.run_days[run]; ++k) {
            const int v = (int)(d_.run_first[run] + k);
            delta -= s.cost[v];  // an empty day's: 0, or a re-plan's resumed day's drive home
            if (d_.balance_per_s2 > 0.0)
                delta += balance_delta(s, v, d_.busy_before[v] + d_.run_day_busy[d_.run_offset[run] + k]);
        }
        if (delta < best) {
            best = delta;
            chosen = run;
        }
    }
    if (chosen >= 0) take_run(s, chosen);
}

int Search::ruin_job(Solution& s, std::vector<int>& removed, std::vector<int>& touched) {
    const int order = jobs_[rng_.below((int)jobs_.size())];
    if (s.run[order] >= 0) lift_run(s, order);
    removed.push_back(order);
    if (rng_.uniform() >= p_.job_room_rate) return order;
    // of two runs drawn, the one that displaces least: its cost plus the leave-out prices
    // of the orders its days hold
    const std::vector<int>& runs = runs_of_[order];
    auto displacing = [&](int r) {
        double value = run_cost_[r];
        for (int64_t v = d_.run_first[r]; v < d_.run_first[r] + d_.run_days[r]; ++v)
            for (int stop : s.routes[v]) value += d_.is_pickup(stop) ? 0.0 : d_.order_unplanned[stop];
        return value;
    };
    int run = runs[rng_.below((int)runs.size())], other = runs[rng_.below((int)runs.size())];
    if (displacing(other) < displacing(run)) run = other;
    for (int64_t v = d_.run_first[run]; v < d_.run_first[run] + d_.run_days[run]; ++v)
        if (s.held[v] >= 0) return order;  // another job's day
    for (int64_t v = d_.run_first[run]; v < d_.run_first[run] + d_.run_days[run]; ++v) {
        std::vector<int> kept;
        for (int stop : s.routes[v]) {
            if (d_.is_pickup(stop)) {
                kept.push_back(stop);  // goes where nothing needs it any more
                continue;
            }
            s.where[stop] = -1;
            s.left_out += d_.order_unplanned[stop];
            s.load[v] -= d_.order_load[stop];
            removed.push_back(stop);
        }
        if (kept.size() == s.routes[v].size()) continue;
        s.routes[v].swap(kept);
        ruined_[v] = 1;
        touched.push_back((int)v);
    }
    return order;
}

void Search::ruin(Solution& s, std::vector<int>& removed) {
    std::fill(ruined_.begin(), ruined_.end(), 0);
    std::vector<int> touched;
    if (!jobs_.empty() && rng_.uniform() < p_.job_rate) {
        const int job = ruin_job(s, removed, touched);
        settle(s, touched, removed, job);  // the orders left out near the job get their chance
        return;
    }
    int assigned = 0, used = 0;
    for (int v = 0; v < d_.n_vehicles; ++v) {
        if (s.routes[v].empty()) continue;
        ++used;
        for (int stop : s.routes[v]) assigned += !d_.is_pickup(stop);
    }
    if (assigned == 0) {  // nothing to ruin: orders left out get their chance
        settle(s, touched, removed, -1);
        return;
    }
    double longest = std::max(1.0, std::min((double)p_.max_string, (double)assigned / used));
    double strings = 4.0 * p_.mean_removed / (1.0 + longest) - 1.0;
    int wanted = (int)(rng_.uniform() * strings) + 1;
    auto ruin_route = [&](int v, int order) {
        ruined_[v] = 1;
        touched.push_back(v);
        int orders = 0;
        for (int stop : s.routes[v]) orders += !d_.is_pickup(stop);
        // SISR's string length: uniform in [1, min(orders, longest) + 1), rounded down
        remove_string(s, v, order, (int)(rng_.uniform() * std::min((double)orders, longest)) + 1, removed);
    };
    auto random_order = [&](int v) {
        int order;
        do order = s.routes[v][rng_.below((int)s.routes[v].size())];
        while (d_.is_pickup(order));
        return order;
    };

    int seed = -1;
    if (rng_.uniform() < p_.trouble_rate) seed = troubled(s);
    if (seed >= 0) {
        // make room where the order could be served in time: strings off the routes of
        // the technician-days that may serve it and start before its due time
        if (s.where[seed] >= 0) ruin_route(s.where[seed], seed);
        std::vector<int> room;
        for (int v : vehicles_[seed])
            if (!ruined_[v] && !s.routes[v].empty() && d_.shift_start[v] < d_.order_due[seed])
                room.push_back(v);
        if (room.empty())
            for (int v : vehicles_[seed])
                if (!ruined_[v] && !s.routes[v].empty()) room.push_back(v);
        for (int k = (int)touched.size(); k < wanted && !room.empty(); ++k) {
            int pick = rng_.below((int)room.size());
            int v = room[pick];
            room[pick] = room.back();
            room.pop_back();
            bool has_order = false;
            for (int stop : s.routes[v]) has_order = has_order || !d_.is_pickup(stop);
            if (has_order) ruin_route(v, random_order(v));
        }
    } else {
        seed = rng_.below(d_.n_orders);
        while (s.where[seed] < 0) seed = rng_.below(d_.n_orders);
        for (int order : d_.near[seed]) {
            if ((int)touched.size() >= wanted) break;
            int v = s.where[order];
            if (v >= 0 && !ruined_[v]) ruin_route(v, order);
        }
    }
    settle(s, touched, removed, seed);
}

void Search::settle(Solution& s, const std::vector<int>& touched, std::vector<int>& removed, int seed) {
    for (int v : touched) reprice(s, v, removed);
    changed_.insert(changed_.end(), touched.begin(), touched.end());
    // fewer orders draw less: the technicians' draws shrink, and idle pickups go
    std::vector<int> technicians;
    for (int v : touched) technicians.push_back((int)d_.vehicle_technician[v]);
    std::sort(technicians.begin(), technicians.end());
    technicians.erase(std::unique(technicians.begin(), technicians.end()), technicians.end());
    for (int t : technicians) {
        walk(s, t, Changes{}, draws_, nullptr);
        set_draws(s, t, draws_);
    }
    drop_idle_pickups(s, touched);
    // orders left out before get their chance too: those among the seed's nearest, and
    // a few anywhere
    auto retry = [&](int order) {
        if (s.where[order] < 0 && s.run[order] < 0 && (!vehicles_[order].empty() || !runs_of_[order].empty()) &&
            std::find(removed.begin(), removed.end(), order) == removed.end())
            removed.push_back(order);
    };
    if (seed >= 0)
        for (int k = 0; k < (int)d_.near[seed].size() && k <= p_.retry_near; ++k) retry(d_.near[seed][k]);
    for (int k = 0; k < p_.left_out_tries; ++k) retry(rng_.below(d_.n_orders));
}

int Search::troubled(const Solution& s) {
    // orders left out that someone may serve, and orders that start after their due time
    // even without a break (a break only delays)
    trouble_.clear();
    for (int order = 0; order < d_.n_orders; ++order)
        if (s.where[order] < 0 && !vehicles_[order].empty()) trouble_.push_back(order);
    for (int v = 0; v < d_.n_vehicles; ++v) {
        if (s.routes[v].empty()) continue;
        const RouteTimes& times = times_of(v, s.routes[v]);
        for (int p = 0; p < times.reachable; ++p) {  // (a stop that cannot begin is not on a feasible route)
            const int stop = s.routes[v][p];
            if (!d_.is_pickup(stop) && times.leave[p + 1] - d_.service(v, stop) > d_.order_due[stop])
                trouble_.push_back(stop);
        }
    }
    if (trouble_.empty()) return -1;
    // the more valuable of two drawn at random
    int a = trouble_[rng_.below((int)trouble_.size())], b = trouble_[rng_.below((int)trouble_.size())];
    return d_.order_unplanned[b] > d_.order_unplanned[a] ? b : a;
}

void Search::remove_string(Solution& s, int vehicle, int order, int length, std::vector<int>& removed) {
    std::vector<int>& route = s.routes[vehicle];
    const int size = (int)route.size();
    const int position = (int)(std::find(route.begin(), route.end(), order) - route.begin());
    length = std::min(length, size);
    int kept = 0;
    if (length < size && rng_.uniform() < p_.split_rate) {
        kept = 1;
        while (length + kept < size && rng_.uniform() > p_.split_depth) ++kept;
    }
    const int span = length + kept;
    const int lo = std::max(0, position - span + 1), hi = std::min(position, size - span);
    const int first = lo + rng_.below(hi - lo + 1);
    const int keep_from = first + (kept ? rng_.below(length + 1) : 0);
    std::vector<int> left;
    left.reserve(size);
    for (int i = 0; i < size; ++i) {
        bool in_string = i >= first && i < first + span;
        bool preserved = i >= keep_from && i < keep_from + kept;
        if (in_string && !preserved && !d_.is_pickup(route[i])) {
            s.where[route[i]] = -1;
            s.left_out += d_.order_unplanned[route[i]];
            s.load[vehicle] -= d_.order_load[route[i]];
            removed.push_back(route[i]);
        } else {
            left.push_back(route[i]);
        }
    }
    route.swap(left);
}

void Search::recreate(Solution& s, std::vector<int>& removed) {
    double pick = rng_.uniform() * 10.0;
    if (pick < 3.0) {
        for (int i = (int)removed.size() - 1; i > 0; --i) std::swap(removed[i], removed[rng_.below(i + 1)]);
    } else if (pick < 6.0) {  // most valuable first
        std::stable_sort(removed.begin(), removed.end(),
                         [&](int a, int b) { return d_.order_unplanned[a] > d_.order_unplanned[b]; });
    } else if (pick < 8.0) {  // most valuable per minute of work first
        auto density = [&](int o) { return d_.order_unplanned[o] / (double)(d_.order_duration[o] + 60); };
        std::stable_sort(removed.begin(), removed.end(), [&](int a, int b) { return density(a) > density(b); });
    } else {  // tightest first
        std::stable_sort(removed.begin(), removed.end(), [&](int a, int b) { return last_close_[a] < last_close_[b]; });
    }
    for (size_t i = 1; i < removed.size(); ++i)  // blinks in the order too
        if (rng_.uniform() < p_.blink_rate) std::swap(removed[i - 1], removed[i]);
    // half the time multi-day jobs first (their runs need empty days), else in the order drawn
    if (!jobs_.empty() && rng_.uniform() < 0.5)
        std::stable_partition(removed.begin(), removed.end(), [&](int o) { return !runs_of_[o].empty(); });
    list_empty(s);
    const bool together = rng_.uniform() < p_.together_rate;
    std::vector<int> dear;  // inserted though dearer than left out
    for (int order : removed) {
        if (!runs_of_[order].empty()) {
            insert_job(s, order);
            continue;
        }
        const double added = insert_best(s, order, together ? INF : d_.order_unplanned[order]);
        if (added < INF && added >= d_.order_unplanned[order]) dear.push_back(order);
    }
    take_out_dear(s, dear);
    removed.clear();
    std::sort(changed_.begin(), changed_.end());
    changed_.erase(std::unique(changed_.begin(), changed_.end()), changed_.end());
    for (int v : changed_) move_pickups(s, v);
    changed_.clear();
}

void Search::move_pickups(Solution& s, int vehicle) {
    std::vector<int> pickups;
    for (int stop : s.routes[vehicle])
        if (d_.is_pickup(stop)) pickups.push_back(stop);
    for (int pickup : pickups) {
        const std::vector<int>& route = s.routes[vehicle];
        const int at = (int)(std::find(route.begin(), route.end(), pickup) - route.begin());
        std::vector<int> without(route);
        without.erase(without.begin() + at);
        double best = s.cost[vehicle] - 1e-9;
        std::vector<int> best_route;
        std::vector<int64_t> kept_draws;
        for (int q = 0; q <= (int)without.size(); ++q) {
            if (q == at) continue;  // where it is
            scratch_ = without;
            scratch_.insert(scratch_.begin() + q, pickup);
            double cost = price_(vehicle, scratch_.data(), (int)scratch_.size());
            if (cost >= best || !supplied(s, Changes{vehicle, &scratch_}, draws_)) continue;
            best = cost;
            best_route = scratch_;
            kept_draws = draws_;
        }
        if (best_route.empty()) continue;
        s.routes[vehicle].swap(best_route);
        set_cost(s, vehicle, best);
        set_draws(s, (int)d_.vehicle_technician[vehicle], kept_draws);
    }
}

const Search::RouteTimes& Search::times_of(int vehicle, const std::vector<int>& route) {
    RouteTimes& t = times_[vehicle];
    if (t.reachable >= 0 && t.route == route) return t;
    const int n = (int)route.size();
    t.route = route;
    t.place.resize(n + 2);
    t.place[0] = d_.vehicle_start_loc[vehicle];
    for (int p = 0; p < n; ++p) t.place[p + 1] = d_.stop_loc(route[p]);
    t.place[n + 1] = d_.vehicle_end_loc[vehicle];
    t.drive.resize(n + 1);
    for (int p = 0; p <= n; ++p) t.drive[p] = d_.travel(t.place[p], t.place[p + 1]);
    // forward: when each stop is left, breaks left out (they only delay)
    t.leave.resize(n + 1);
    t.leave[0] = d_.shift_start[vehicle];
    t.reachable = n;
    for (int p = 0; p < n; ++p) {
        const int64_t begin = price_.begin_at(vehicle, route[p], t.leave[p] + t.drive[p]);
        if (begin < 0) {  // cannot happen on a feasible route
            t.reachable = p;
            break;
        }
        t.leave[p + 1] = begin + d_.service(vehicle, route[p]);
    }
    // backward: the latest arrivals
    t.latest.resize(n + 1);
    t.latest[n] = d_.latest_end[vehicle];
    for (int p = n - 1; p >= 0; --p) {
        const int stop = route[p];
        int64_t arrival = NO_ARRIVAL;
        if (t.latest[p + 1] != NO_ARRIVAL) {
            // the latest start that reaches the next stop in time
            const int64_t start = t.latest[p + 1] - t.drive[p + 1] - d_.service(vehicle, stop);
            if (d_.is_pickup(stop)) {
                const int kind = stop - d_.n_orders;
                const int64_t* hours = &d_.depot_hours[(d_.kind_depot[kind] * d_.n_days + d_.vehicle_day[vehicle]) * 2];
                const int64_t last = std::min(start, hours[1] - d_.pickup_duration);
                if (std::max(hours[0], d_.kind_from[kind]) <= last) arrival = last;
            } else {  // the last window opening by then; arrivals up to its close (or start) begin in time
                const int64_t* w = &d_.order_windows[(int64_t)stop * d_.max_windows * 2];
                for (int64_t k = 0; k < d_.order_n_windows[stop]; ++k)
                    if (w[2 * k] <= start) arrival = std::min(w[2 * k + 1], start);
            }
        }
        t.latest[p] = arrival;
    }
    return t;
}

void Search::list_empty(const Solution& s) {
    empty_.clear();
    for (int v = 0; v < d_.n_vehicles; ++v)
        if (s.routes[v].empty() && s.held[v] < 0) empty_.push_back(v);
}

const std::vector<int>& Search::granular(const Solution& s, int order) {
    routes_.clear();
    ++stamp_;
    auto take = [&](int v) {  // each vehicle weighed once (seen, taken or not)
        if (seen_[v] == stamp_) return;
        seen_[v] = stamp_;
        if (d_.allowed(v, order) && s.held[v] < 0) routes_.push_back(v);
    };
    for (int other : d_.near[order]) {  // every day of the technician serving it
        if (s.where[other] < 0) continue;
        const int t = (int)d_.vehicle_technician[s.where[other]];
        for (int v = first_vehicle_[t]; v < first_vehicle_[t + 1]; ++v) take(v);
    }
    for (int v : empty_)
        if (s.routes[v].empty()) take(v);
    std::sort(routes_.begin(), routes_.end());
    return routes_;
}

void Search::take_out_dear(Solution& s, const std::vector<int>& orders) {
    while (true) {
        int worst = -1;
        double most = 1e-9, kept_cost = 0.0;  // saved by leaving it out; the route's cost without it
        std::vector<int> kept;
        for (int order : orders) {
            const int v = s.where[order];
            if (v < 0) continue;
            scratch_ = s.routes[v];
            scratch_.erase(std::find(scratch_.begin(), scratch_.end(), order));
            const double cost = price_(v, scratch_.data(), (int)scratch_.size());  // (INF: saves nothing)
            const double saved =
                s.cost[v] - cost - balance_delta(s, v, busy_of(v, scratch_)) - d_.order_unplanned[order];
            if (saved > most) {
                most = saved;
                worst = order;
                kept = scratch_;
                kept_cost = cost;
            }
        }
        if (worst < 0) return;
        const int v = s.where[worst];
        s.routes[v].swap(kept);
        set_cost(s, v, kept_cost);
        s.where[worst] = -1;
        s.left_out += d_.order_unplanned[worst];
        s.load[v] -= d_.order_load[worst];
        if (!needs_[worst].empty() || !tools_[worst].empty()) {  // it draws no more; its pickups may idle
            const int t = (int)d_.vehicle_technician[v];
            walk(s, t, Changes{}, draws_, nullptr);
            set_draws(s, t, draws_);
            std::vector<int> days(first_vehicle_[t + 1] - first_vehicle_[t]);  // (one may be on an earlier day)
            std::iota(days.begin(), days.end(), first_vehicle_[t]);
            drop_idle_pickups(s, days);
        }
    }
}

double Search::insert_best(Solution& s, int order, double most) {
    double best_delta = most, best_cost = INF, best_other_cost = 0.0;
    int best_vehicle = -1, best_other = -1;
    std::vector<int> best_route, best_other_route;
    std::vector<int64_t> best_draws;
    const bool needs_supply = !needs_[order].empty() || !tools_[order].empty();
    const int64_t order_loc = d_.order_loc[order];
    auto has_depot = [&](const std::vector<int>& route, int pickup) {  // a route stops at a depot at most once
        int depot = (int)d_.kind_depot[pickup - d_.n_orders];
        for (int stop : route)
            if (d_.is_pickup(stop) && d_.kind_depot[stop - d_.n_orders] == depot) return true;
        return false;
    };
    // scratch_ holds a candidate route of v costing `cost`; `earlier_route` one of the
    // technician's previous day (vehicle `earlier`, -1: none) costing `earlier_cost`
    auto consider = [&](int v, double cost, int earlier, const std::vector<int>* earlier_route, double earlier_cost) {
        if (cost >= INF) return;
        double delta = cost - s.cost[v] + (earlier >= 0 ? earlier_cost - s.cost[earlier] : 0.0);
        if (d_.balance_per_s2 > 0.0) {
            delta += balance_delta(s, v, busy_of(v, scratch_));
            if (earlier >= 0) delta += balance_delta(s, earlier, busy_of(earlier, *earlier_route));
        }
        if (delta >= best_delta) return;
        if (needs_supply && !supplied(s, Changes{v, &scratch_, earlier, earlier_route}, draws_)) return;
        best_delta = delta;
        best_cost = cost;
        best_vehicle = v;
        best_route = scratch_;
        best_other = earlier;
        if (earlier >= 0) {
            best_other_route = *earlier_route;
            best_other_cost = earlier_cost;
        }
        if (needs_supply) best_draws = draws_;
    };
    struct Earlier {
        std::vector<int> route;
        double cost;
    };
    // Candidate positions with the travel they add, a lower bound on what the insertion
    // adds (lateness and overtime only grow when a stop is inserted, while waiting is
    // free and no promise is at stake), tried cheapest first until the bound reaches
    // the best found or the order's leave-out price. The times without a break bound
    // every arrival from below: a position from which the order or the stop after it
    // cannot be reached in time (latest_arrivals) is not a candidate.
    candidates_.clear();
    for (int v : granular(s, order)) {
        if (s.load[v] + d_.order_load[order] > d_.capacity[v]) continue;
        const std::vector<int>& route = s.routes[v];
        const RouteTimes& times = times_of(v, route);
        const int n = (int)route.size();
        positions_ += n + 1;
        const int64_t service = d_.service(v, order);
        for (int p = 0; p <= times.reachable; ++p) {
            const int32_t in = d_.travel_into(order_loc, times.place[p]), out = d_.travel(order_loc, times.place[p + 1]);
            const int64_t start = price_.begin_at(v, order, times.leave[p] + in);
            if (start >= 0 && start + service + out <= times.latest[p] && rng_.uniform() >= p_.blink_rate) {
                int64_t added = (int64_t)in + out - times.drive[p];
                const double bound =
                    (double)added * d_.travel_per_min / 60.0 + balance_bound(s, v, added + service);
                candidates_.push_back({bound_holds_ ? bound : -INF, v, p});
            }
        }
    }
    std::sort(candidates_.begin(), candidates_.end());
    // tries the candidates with new pickups of `kinds`
    auto try_candidates = [&](const std::vector<int>& kinds) {
        int earlier_of = -1;  // the vehicle whose previous-day pickups `earlier` holds
        std::vector<Earlier> earlier;
        for (const Candidate& c : candidates_) {
            if (c.bound >= best_delta) break;
            const int v = c.vehicle, p = c.position;
            const std::vector<int>& route = s.routes[v];
            const int before = v - 1;
            if (needs_supply && earlier_of != v) {  // a new pickup on the previous working day, where it costs least there
                earlier_of = v;
                earlier.clear();
                if (before >= 0 && d_.vehicle_technician[before] == d_.vehicle_technician[v] && s.held[before] < 0) {
                    const std::vector<int>& prior = s.routes[before];
                    for (int pickup : kinds) {
                        if (has_depot(prior, pickup)) continue;
                        Earlier cheapest{{}, INF};
                        for (int q = 0; q <= (int)prior.size(); ++q) {
                            earlier_scratch_.assign(prior.begin(), prior.begin() + q);
                            earlier_scratch_.push_back(pickup);
                            earlier_scratch_.insert(earlier_scratch_.end(), prior.begin() + q, prior.end());
                            double cost = price_(before, earlier_scratch_.data(), (int)earlier_scratch_.size());
                            if (cost < cheapest.cost) cheapest = Earlier{earlier_scratch_, cost};
                        }
                        if (cheapest.cost < INF) earlier.push_back(std::move(cheapest));
                    }
                }
            }
            scratch_.assign(route.begin(), route.begin() + p);
            scratch_.push_back(order);
            scratch_.insert(scratch_.end(), route.begin() + p, route.end());
            double cost = price_(v, scratch_.data(), (int)scratch_.size());
            consider(v, cost, -1, nullptr, 0.0);
            for (const Earlier& e : earlier) consider(v, cost, before, &e.route, e.cost);
            for (int pickup : kinds) {  // with a new pickup right before it, or first of the day
                if (has_depot(route, pickup)) continue;
                scratch_.assign(route.begin(), route.begin() + p);
                scratch_.push_back(pickup);
                scratch_.push_back(order);
                scratch_.insert(scratch_.end(), route.begin() + p, route.end());
                consider(v, price_(v, scratch_.data(), (int)scratch_.size()), -1, nullptr, 0.0);
                if (p == 0) continue;
                scratch_.erase(scratch_.begin() + p);
                scratch_.insert(scratch_.begin(), pickup);
                consider(v, price_(v, scratch_.data(), (int)scratch_.size()), -1, nullptr, 0.0);
            }
        }
    };
    try_candidates(pickup_kinds_[order]);
    if (best_vehicle < 0 && !far_kinds_[order].empty()) try_candidates(far_kinds_[order]);
    if (best_vehicle < 0) return INF;  // cheaper left out, or fits nowhere
    changed_.push_back(best_vehicle);
    if (best_other >= 0) changed_.push_back(best_other);
    s.routes[best_vehicle].swap(best_route);
    set_cost(s, best_vehicle, best_cost);
    if (best_other >= 0) {
        s.routes[best_other].swap(best_other_route);
        set_cost(s, best_other, best_other_cost);
    }
    s.load[best_vehicle] += d_.order_load[order];
    s.where[order] = best_vehicle;
    s.left_out -= d_.order_unplanned[order];
    if (needs_supply) set_draws(s, (int)d_.vehicle_technician[best_vehicle], best_draws);
    return best_delta;
}

Result Search::run(const std::vector<std::vector<int>>& initial, const std::vector<int>& runs) {
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - began_).count(); };

    Solution current;
    current.routes.assign(d_.n_vehicles, {});
    current.cost.assign(d_.n_vehicles, 0.0);
    current.busy.assign(d_.n_vehicles, 0);
    current.day_busy.assign(d_.n_days, 0.0);
    for (int v = 0; v < d_.n_vehicles; ++v) {
        current.busy[v] = busy_of(v, current.routes[v]);
        current.day_busy[d_.vehicle_day[v]] += (double)current.busy[v];
    }
    current.load.assign(d_.n_vehicles, 0.0);
    current.where.assign(d_.n_orders, -1);
    current.run.assign(d_.n_orders, -1);
    current.held.assign(d_.n_vehicles, -1);
    for (int v = 0; v < d_.n_vehicles; ++v) {
        if (d_.closed[v])
            current.held[v] = d_.n_orders;  // held by a multi-day visit planned outside the search
        else
            current.cost[v] = price_(v, nullptr, 0);  // a re-plan's resumed day drives home
    }
    current.draws.assign(d_.n_technicians, {});
    current.drawn.assign(d_.supply_size(), 0);
    current.left_out = std::accumulate(d_.order_unplanned.begin(), d_.order_unplanned.end(), 0.0);
    for (int run : runs)  // first: their days take nothing else
        if (run >= 0 && run < (int)d_.run_order.size() && current.run[d_.run_order[run]] < 0 && run_free(current, run))
            take_run(current, run);
    std::vector<int> removed;
    std::vector<uint8_t> taken_out(d_.n_orders, 0);  // in the start, but not kept
    // the start's routes as given (orders and pickups), where they keep every rule
    for (int v = 0; v < (int)initial.size() && v < d_.n_vehicles; ++v) {
        for (int stop : initial[v]) {
            bool pickup = stop >= d_.n_orders && stop < d_.n_orders + d_.n_kinds();
            if (pickup) {
                if (current.held[v] < 0) current.routes[v].push_back(stop);
                continue;
            }
            if (stop < 0 || stop >= d_.n_orders || current.where[stop] >= 0 || !d_.allowed(v, stop)) continue;
            if (current.held[v] >= 0) {  // a multi-day job's day
                taken_out[stop] = 1;
                continue;
            }
            if (current.load[v] + d_.order_load[stop] > d_.capacity[v]) continue;
            current.routes[v].push_back(stop);
            current.where[stop] = v;
            current.load[v] += d_.order_load[stop];
            current.left_out -= d_.order_unplanned[stop];
        }
        if (current.held[v] < 0) reprice(current, v, removed);
    }
    std::vector<int> technicians;  // whose parts and tools do not add up: their supplied orders go back
    for (int t = 0; t < d_.n_technicians; ++t) {
        if (walk(current, t, Changes{}, draws_, nullptr) && depots_hold(current, t, draws_))
            set_draws(current, t, draws_);
        else
            technicians.push_back(t);
    }
    for (int t : technicians) {
        for (int v = first_vehicle_[t]; v < first_vehicle_[t + 1]; ++v) {
            std::vector<int> kept;
            for (int stop : current.routes[v]) {
                if (d_.is_pickup(stop)) continue;
                if (needs_[stop].empty() && tools_[stop].empty()) {
                    kept.push_back(stop);
                    continue;
                }
                current.where[stop] = -1;
                current.left_out += d_.order_unplanned[stop];
                current.load[v] -= d_.order_load[stop];
                taken_out[stop] = 1;
            }
            current.routes[v] = kept;
            if (current.held[v] < 0) reprice(current, v, removed);
        }
    }
    std::vector<int> all(d_.n_vehicles);
    std::iota(all.begin(), all.end(), 0);
    drop_idle_pickups(current, all);
    for (int order : removed) taken_out[order] = 1;  // their routes had no schedule left
    removed.clear();
    // orders the start leaves out (and those taken out above): most valuable first, until
    // the time limit; where the start is a plan of this search, they had their chance.
    // Multi-day jobs go last (into the days still free) or first (Params::jobs_first)
    for (int order = 0; order < d_.n_orders; ++order)
        if (current.where[order] < 0 && current.run[order] < 0 && (!vehicles_[order].empty() || !runs_of_[order].empty()))
            removed.push_back(order);
    std::stable_sort(removed.begin(), removed.end(),
                     [&](int a, int b) { return d_.order_unplanned[a] > d_.order_unplanned[b]; });
    std::stable_partition(removed.begin(), removed.end(), [&](int o) { return runs_of_[o].empty() != p_.jobs_first; });
    list_empty(current);
    for (int order : removed) {
        if (!p_.insert_left_out && !taken_out[order]) continue;
        if (p_.time_limit_s >= 0 && elapsed() >= p_.time_limit_s) break;
        if (runs_of_[order].empty())
            insert_best(current, order, d_.order_unplanned[order]);
        else
            insert_job(current, order);
    }
    removed.clear();

    Solution best = current;
    Result result;
    const double t0 = p_.start_temperature, t1 = p_.end_temperature;
    int64_t since_best = 0;      // iterations since the best plan last improved by more than rounding
    double marked = total(best);  // its cost then
    while (true) {
        if (p_.patience >= 0 && since_best >= p_.patience) {
            result.converged = true;
            break;
        }
        double progress;
        if (p_.max_iterations >= 0) {
            if (result.iterations >= p_.max_iterations) break;
            progress = (double)result.iterations / (double)std::max<int64_t>(1, p_.max_iterations);
            if (p_.time_limit_s >= 0 && elapsed() >= p_.time_limit_s) {
                result.timed_out = true;
                break;
            }
        } else {
            double t = elapsed();
            if (t >= p_.time_limit_s) break;
            progress = t / p_.time_limit_s;
        }
        double temperature = t0 * std::pow(t1 / t0, progress);
        Solution candidate = current;
        ruin(candidate, removed);
        recreate(candidate, removed);
        ++result.iterations;
        ++since_best;
        if (total(candidate) < total(current) - temperature * std::log(1.0 - rng_.uniform())) {
            current = std::move(candidate);
            if (total(current) < total(best) - 1e-9) {
                best = current;
                ++result.improvements;
                if (total(best) < marked - ROUNDING * (1.0 + std::abs(marked))) {
                    since_best = 0;
                    marked = total(best);
                }
            }
        }
    }
    result.routes = best.routes;
    for (int order = 0; order < d_.n_orders; ++order)
        if (best.run[order] >= 0) result.runs.push_back(best.run[order]);
    result.collections = collections(best);
    result.cost = total(best);
    result.evaluations = price_.evaluations();
    result.positions = positions_;
    return result;
}

}  // namespace fs
