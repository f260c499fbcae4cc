#include "search.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

namespace fs {

double Solution::total() const { return std::accumulate(cost.begin(), cost.end(), 0.0) + left_out; }

Search::Search(const Data& data, Params params)
    : d_(data), p_(params), rng_(params.seed), price_(data), ruined_(data.n_vehicles, 0) {
    const int n = d_.n_orders;
    near_.resize(n);
    vehicles_.resize(n);
    last_close_.assign(n, -1);
    std::vector<int> others(n);
    for (int o = 0; o < n; ++o) {
        for (int v = 0; v < d_.n_vehicles; ++v)
            if (d_.allowed(v, o)) vehicles_[o].push_back(v);
        const int64_t* w = &d_.order_windows[(int64_t)o * d_.max_windows * 2];
        for (int64_t k = 0; k < d_.order_n_windows[o]; ++k) last_close_[o] = std::max(last_close_[o], w[2 * k + 1]);
        // nearest orders by the drive both ways (ties: lower index), the order itself first
        std::iota(others.begin(), others.end(), 0);
        auto gap = [&](int x) {
            if (x == o) return (int64_t)-1;
            return (int64_t)d_.travel(d_.order_loc[o], d_.order_loc[x]) + d_.travel(d_.order_loc[x], d_.order_loc[o]);
        };
        auto closer = [&](int a, int b) {
            int64_t ga = gap(a), gb = gap(b);
            return ga != gb ? ga < gb : a < b;
        };
        int keep = std::min(n, p_.neighbours + 1);
        std::nth_element(others.begin(), others.begin() + (keep - 1), others.end(), closer);
        std::sort(others.begin(), others.begin() + keep, closer);
        near_[o].assign(others.begin(), others.begin() + keep);
    }
}

double Search::route_cost(int vehicle, const std::vector<int>& stops) {
    return price_(vehicle, stops.data(), (int)stops.size());
}

void Search::reprice(Solution& s, int vehicle, std::vector<int>& removed) {
    double cost = route_cost(vehicle, s.routes[vehicle]);
    if (cost < INF) {
        s.cost[vehicle] = cost;
        return;
    }
    for (int order : s.routes[vehicle]) {  // no schedule left: every stop goes back to be re-inserted
        s.where[order] = -1;
        s.left_out += d_.order_unplanned[order];
        removed.push_back(order);
    }
    s.routes[vehicle].clear();
    s.load[vehicle] = 0.0;
    s.cost[vehicle] = 0.0;
}

void Search::ruin(Solution& s, std::vector<int>& removed) {
    int assigned = 0, used = 0;
    for (int v = 0; v < d_.n_vehicles; ++v) {
        assigned += (int)s.routes[v].size();
        used += !s.routes[v].empty();
    }
    if (assigned == 0) return;
    double longest = std::min((double)p_.max_string, (double)assigned / used);
    double strings = 4.0 * p_.mean_removed / (1.0 + longest) - 1.0;
    int wanted = (int)(rng_.uniform() * strings) + 1;
    int seed = rng_.below(d_.n_orders);
    while (s.where[seed] < 0) seed = rng_.below(d_.n_orders);

    std::fill(ruined_.begin(), ruined_.end(), 0);
    std::vector<int> touched;
    for (int order : near_[seed]) {
        if ((int)touched.size() >= wanted) break;
        int v = s.where[order];
        if (v < 0 || ruined_[v]) continue;
        ruined_[v] = 1;
        touched.push_back(v);
        int cap = std::max(1, (int)std::min((double)s.routes[v].size(), longest));
        remove_string(s, v, order, (int)(rng_.uniform() * cap) + 1, removed);
    }
    for (int v : touched) reprice(s, v, removed);
    // orders left out before get their chance too: those near the ruined area, and a
    // few anywhere
    for (int order : near_[seed])
        if (s.where[order] < 0 && !vehicles_[order].empty() &&
            std::find(removed.begin(), removed.end(), order) == removed.end())
            removed.push_back(order);
    for (int k = 0; k < p_.left_out_tries; ++k) {
        int order = rng_.below(d_.n_orders);
        if (s.where[order] < 0 && !vehicles_[order].empty() &&
            std::find(removed.begin(), removed.end(), order) == removed.end())
            removed.push_back(order);
    }
}

void Search::remove_string(Solution& s, int vehicle, int order, int length, std::vector<int>& removed) {
    std::vector<int>& route = s.routes[vehicle];
    const int size = (int)route.size();
    const int position = (int)(std::find(route.begin(), route.end(), order) - route.begin());
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
        if (in_string && !preserved) {
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
    if (pick < 4.0) {
        for (int i = (int)removed.size() - 1; i > 0; --i) std::swap(removed[i], removed[rng_.below(i + 1)]);
    } else if (pick < 8.0) {  // most valuable first
        std::stable_sort(removed.begin(), removed.end(),
                         [&](int a, int b) { return d_.order_unplanned[a] > d_.order_unplanned[b]; });
    } else {  // tightest first
        std::stable_sort(removed.begin(), removed.end(), [&](int a, int b) { return last_close_[a] < last_close_[b]; });
    }
    for (size_t i = 1; i < removed.size(); ++i)  // blinks in the order too
        if (rng_.uniform() < p_.blink_rate) std::swap(removed[i - 1], removed[i]);
    for (int order : removed) insert_best(s, order);
    removed.clear();
}

void Search::insert_best(Solution& s, int order) {
    double best_delta = INF, best_cost = INF;
    int best_vehicle = -1, best_position = -1;
    const int64_t order_loc = d_.order_loc[order];
    for (int v : vehicles_[order]) {
        if (s.load[v] + d_.order_load[order] > d_.capacity[v]) continue;
        const std::vector<int>& route = s.routes[v];
        const int n = (int)route.size();
        scratch_.resize(n + 1);
        // the times without a break bound every arrival from below: a position whose
        // arrival is past the order's last window is skipped without timing
        int64_t loc = d_.vehicle_start_loc[v], end = d_.shift_start[v];
        for (int p = 0; p <= n; ++p) {
            bool skip = end + d_.travel(loc, order_loc) > last_close_[order] || rng_.uniform() < p_.blink_rate;
            if (!skip) {
                std::copy(route.begin(), route.begin() + p, scratch_.begin());
                scratch_[p] = order;
                std::copy(route.begin() + p, route.end(), scratch_.begin() + p + 1);
                double cost = price_(v, scratch_.data(), n + 1);
                if (cost < INF && cost - s.cost[v] < best_delta) {
                    best_delta = cost - s.cost[v];
                    best_cost = cost;
                    best_vehicle = v;
                    best_position = p;
                }
            }
            if (p == n) break;
            int next = route[p];
            int64_t reach = end + d_.travel(loc, d_.order_loc[next]);
            const int64_t* w = &d_.order_windows[(int64_t)next * d_.max_windows * 2];
            int64_t begin = -1;
            for (int64_t k = 0; k < d_.order_n_windows[next] && begin < 0; ++k)
                if (reach <= w[2 * k + 1]) begin = std::max(reach, w[2 * k]);
            if (begin < 0) break;  // cannot happen on a feasible route
            loc = d_.order_loc[next];
            end = begin + d_.order_duration[next];
        }
    }
    if (best_vehicle < 0 || best_delta >= d_.order_unplanned[order]) return;  // cheaper left out
    std::vector<int>& route = s.routes[best_vehicle];
    route.insert(route.begin() + best_position, order);
    s.cost[best_vehicle] = best_cost;
    s.load[best_vehicle] += d_.order_load[order];
    s.where[order] = best_vehicle;
    s.left_out -= d_.order_unplanned[order];
}

Result Search::run(const std::vector<std::vector<int>>& initial) {
    using clock = std::chrono::steady_clock;
    const auto began = clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(clock::now() - began).count(); };

    Solution current;
    current.routes.assign(d_.n_vehicles, {});
    current.cost.assign(d_.n_vehicles, 0.0);
    current.load.assign(d_.n_vehicles, 0.0);
    current.where.assign(d_.n_orders, -1);
    current.left_out = std::accumulate(d_.order_unplanned.begin(), d_.order_unplanned.end(), 0.0);
    std::vector<int> removed;
    for (int v = 0; v < (int)initial.size() && v < d_.n_vehicles; ++v) {
        for (int order : initial[v]) {
            if (order < 0 || order >= d_.n_orders || current.where[order] >= 0 || !d_.allowed(v, order)) continue;
            current.routes[v].push_back(order);
            current.where[order] = v;
            current.load[v] += d_.order_load[order];
            current.left_out -= d_.order_unplanned[order];
        }
        if (current.load[v] > d_.capacity[v]) {
            for (int order : current.routes[v]) {
                current.where[order] = -1;
                current.left_out += d_.order_unplanned[order];
            }
            current.routes[v].clear();
            current.load[v] = 0.0;
        }
        reprice(current, v, removed);
    }
    removed.clear();
    for (int order = 0; order < d_.n_orders; ++order)
        if (current.where[order] < 0 && !vehicles_[order].empty()) removed.push_back(order);
    std::stable_sort(removed.begin(), removed.end(),
                     [&](int a, int b) { return d_.order_unplanned[a] > d_.order_unplanned[b]; });
    for (int order : removed) insert_best(current, order);
    removed.clear();

    Solution best = current;
    Result result;
    const double t0 = p_.start_temperature, t1 = p_.end_temperature;
    while (true) {
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
        if (candidate.total() < current.total() - temperature * std::log(1.0 - rng_.uniform())) {
            current = std::move(candidate);
            if (current.total() < best.total() - 1e-9) {
                best = current;
                ++result.improvements;
            }
        }
    }
    result.routes = best.routes;
    result.cost = best.total();
    result.evaluations = price_.evaluations();
    return result;
}

}  // namespace fs
