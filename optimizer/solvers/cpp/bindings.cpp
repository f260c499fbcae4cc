// The Python face of the search core: optimizer.solvers._field_search. Only
// optimizer/solvers/field_search.py imports it.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "data.hpp"
#include "route_cost.hpp"
#include "search.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace {

constexpr int NEIGHBOURS = 100;  // nearest orders remembered per order (Data::near)

template <class T>
std::vector<T> column(const nb::dict& arrays, const char* name) {
    if (!arrays.contains(name)) throw std::invalid_argument(std::string("missing array ") + name);
    auto array = nb::cast<nb::ndarray<const T, nb::c_contig, nb::device::cpu>>(arrays[name]);
    return std::vector<T>(array.data(), array.data() + array.size());
}

template <class T>
T scalar(const nb::dict& arrays, const char* name) {
    if (!arrays.contains(name)) throw std::invalid_argument(std::string("missing value ") + name);
    return nb::cast<T>(arrays[name]);
}

fs::Data make_data(const nb::dict& a, bool by_destination) {
    fs::Data d;
    d.n_orders = scalar<int>(a, "n_orders");
    d.n_vehicles = scalar<int>(a, "n_vehicles");
    d.n_locations = scalar<int>(a, "n_locations");
    d.max_windows = scalar<int>(a, "max_windows");
    d.travel_s = column<int32_t>(a, "travel_s");
    d.order_loc = column<int64_t>(a, "order_loc");
    d.order_duration = column<int64_t>(a, "order_duration_s");
    d.duration = column<int64_t>(a, "technician_duration_s");
    d.preferred = column<uint8_t>(a, "preferred");
    d.preferred_miss = column<double>(a, "order_preferred_miss");
    d.unbroken = column<uint8_t>(a, "order_unbroken");
    d.order_windows = column<int64_t>(a, "order_windows_s");
    d.order_n_windows = column<int64_t>(a, "order_n_windows");
    d.order_due = column<int64_t>(a, "order_due_s");
    d.order_late_base = column<double>(a, "order_late_base");
    d.order_sunk = column<double>(a, "order_sunk_late_cost");
    d.order_unplanned = column<double>(a, "order_unplanned_cost");
    d.order_load = column<double>(a, "order_load");
    d.promised_vehicle = column<int64_t>(a, "order_promised_vehicle");
    d.promised_s = column<int64_t>(a, "order_promised_s");
    d.reassign_cost = column<double>(a, "order_reassign_cost");
    d.retime_per_min = column<double>(a, "order_retime_cost_per_min");
    d.retime_tolerance_s = scalar<int64_t>(a, "retime_tolerance_s");
    d.breach = scalar<double>(a, "breach");
    d.late_shares = column<double>(a, "late_shares");
    d.late_spans_min = column<double>(a, "late_spans_min");
    d.vehicle_start_loc = column<int64_t>(a, "vehicle_start_loc");
    d.vehicle_end_loc = column<int64_t>(a, "vehicle_end_loc");
    d.shift_start = column<int64_t>(a, "vehicle_shift_start_s");
    d.shift_end = column<int64_t>(a, "vehicle_shift_end_s");
    d.latest_end = column<int64_t>(a, "vehicle_latest_end_s");
    d.break_open = column<int64_t>(a, "vehicle_break_start_s");
    d.break_close = column<int64_t>(a, "vehicle_break_end_s");
    d.break_len = column<int64_t>(a, "vehicle_break_duration_s");
    d.capacity = column<double>(a, "vehicle_capacity");
    d.max_orders = column<int64_t>(a, "vehicle_max_orders");
    d.max_travel = column<int64_t>(a, "vehicle_max_travel_s");
    d.compatible = column<uint8_t>(a, "compatible");
    d.closed = column<uint8_t>(a, "vehicle_closed");
    d.n_parts = scalar<int>(a, "n_parts");
    d.n_tools = scalar<int>(a, "n_tools");
    d.n_technicians = scalar<int>(a, "n_technicians");
    d.n_days = scalar<int>(a, "n_days");
    d.order_parts = column<int64_t>(a, "order_parts");
    d.order_tools = column<uint8_t>(a, "order_tools");
    d.van = column<int64_t>(a, "technician_van");
    d.carried = column<uint8_t>(a, "technician_tools");
    d.depot_tools = column<uint8_t>(a, "depot_tools");
    d.depot_copies = column<int64_t>(a, "depot_tool_copies");
    d.depot_loc = column<int64_t>(a, "depot_loc");
    d.depot_hours = column<int64_t>(a, "depot_hours_s");
    d.kind_depot = column<int64_t>(a, "pickup_depot");
    d.kind_from = column<int64_t>(a, "pickup_from_s");
    d.kind_available = column<int64_t>(a, "pickup_available");
    d.pickup_duration = scalar<int64_t>(a, "pickup_duration_s");
    d.vehicle_day = column<int64_t>(a, "vehicle_day");
    d.vehicle_technician = column<int64_t>(a, "vehicle_technician");
    d.travel_per_min = scalar<double>(a, "travel_cost_per_min");
    d.overtime_per_min = scalar<double>(a, "overtime_cost_per_min");
    d.waiting_per_min = scalar<double>(a, "waiting_cost_per_min");
    d.balance_per_s2 = scalar<double>(a, "balance_per_s2");
    d.busy_before = column<int64_t>(a, "vehicle_busy_before_s");
    d.home_early = column<uint8_t>(a, "vehicle_home_early");
    d.home_from = column<int64_t>(a, "vehicle_home_from_s");
    d.day_others = column<int64_t>(a, "day_others");
    d.run_order = column<int64_t>(a, "run_order");
    d.run_first = column<int64_t>(a, "run_first");
    d.run_days = column<int64_t>(a, "run_days");
    d.run_day_cost = column<double>(a, "run_day_cost");
    d.run_day_busy = column<int64_t>(a, "run_day_busy");
    const size_t O = d.n_orders, V = d.n_vehicles, L = d.n_locations;
    bool ok = d.travel_s.size() == L * L && d.order_loc.size() == O && d.order_windows.size() == O * d.max_windows * 2 &&
              d.compatible.size() == V * O && d.shift_start.size() == V && d.late_shares.size() == d.late_spans_min.size();
    const size_t P = d.n_parts, K = d.n_tools, T = d.n_technicians, D = d.depot_loc.size(), S = d.kind_depot.size();
    ok = ok && d.order_parts.size() == O * P && d.order_tools.size() == O * K && d.van.size() == T * P &&
         d.carried.size() == T * K && d.depot_tools.size() == D * K && d.depot_copies.size() == D * K &&
         d.depot_hours.size() == D * d.n_days * 2 &&
         d.kind_from.size() == S && d.kind_available.size() == S * P && d.vehicle_day.size() == V &&
         d.vehicle_technician.size() == V && d.duration.size() == T * O && d.preferred.size() == T * O &&
         d.preferred_miss.size() == O && d.unbroken.size() == O && d.max_orders.size() == V && d.max_travel.size() == V &&
         d.busy_before.size() == V && d.home_early.size() == V && d.home_from.size() == V && d.day_others.size() == (size_t)d.n_days;
    for (const auto* column : {&d.order_duration, &d.order_n_windows, &d.order_due, &d.promised_vehicle, &d.promised_s})
        ok = ok && column->size() == O;
    for (const auto* column : {&d.order_late_base, &d.order_sunk, &d.order_unplanned, &d.order_load, &d.reassign_cost,
                               &d.retime_per_min})
        ok = ok && column->size() == O;
    for (const auto* column : {&d.vehicle_start_loc, &d.vehicle_end_loc, &d.shift_end, &d.latest_end, &d.break_open,
                               &d.break_close, &d.break_len})
        ok = ok && column->size() == V;
    ok = ok && d.capacity.size() == V && d.depot_tools.size() == D * K && d.closed.size() == V;
    auto within = [](const std::vector<int64_t>& values, int64_t low, int64_t high) {
        return std::all_of(values.begin(), values.end(), [&](int64_t x) { return x >= low && x < high; });
    };
    const int64_t Lx = (int64_t)L;
    ok = ok && within(d.order_loc, 0, Lx) && within(d.vehicle_start_loc, 0, Lx) && within(d.vehicle_end_loc, 0, Lx) &&
         within(d.depot_loc, 0, Lx) && within(d.order_n_windows, 0, d.max_windows + 1) &&
         within(d.vehicle_technician, 0, (int64_t)T) && within(d.vehicle_day, 0, d.n_days) &&
         within(d.kind_depot, 0, (int64_t)D) && std::all_of(d.promised_vehicle.begin(), d.promised_vehicle.end(),
                                                            [&](int64_t v) { return v < (int64_t)V; });
    for (size_t v = 1; v < V; ++v) ok = ok && d.vehicle_technician[v - 1] <= d.vehicle_technician[v];
    const size_t R = d.run_order.size();
    ok = ok && d.run_first.size() == R && d.run_days.size() == R && within(d.run_order, 0, (int64_t)O);
    int64_t run_total = 0;
    for (size_t r = 0; ok && r < R; ++r) {
        const int64_t first = d.run_first[r], last = first + d.run_days[r] - 1;
        ok = d.run_days[r] >= 1 && first >= 0 && last < (int64_t)V &&
             d.vehicle_technician[first] == d.vehicle_technician[last];
        d.run_offset.push_back(run_total);
        run_total += d.run_days[r];
    }
    ok = ok && d.run_day_cost.size() == (size_t)run_total && d.run_day_busy.size() == (size_t)run_total;
    if (!ok) throw std::invalid_argument("arrays of inconsistent sizes or indices out of range");
    if (by_destination) {
        d.travel_in.resize(L * L);
        for (size_t from = 0; from < L; ++from)
            for (size_t to = 0; to < L; ++to) d.travel_in[to * L + from] = d.travel_s[from * L + to];
    }
    d.near = fs::nearest_orders(d, NEIGHBOURS);
    return d;
}

double as_python(double cost) { return cost >= fs::INF ? INFINITY : cost; }

}  // namespace

NB_MODULE(_field_search, m) {
    m.doc() = "Ruin-and-recreate search over the exact field-service objective (C++).";
    m.attr("ROUNDING") = fs::ROUNDING;

    nb::class_<fs::Data>(m, "Problem")
        .def(
            "__init__",
            [](fs::Data* self, const nb::dict& arrays, bool by_destination) {
                new (self) fs::Data(make_data(arrays, by_destination));
            },
            "arrays"_a, "by_destination"_a = true,
            "The arrays of optimizer.solvers.field_search.arrays(instance); with by_destination, also the travel "
            "matrix by destination, which a long search reads.")
        .def_ro("n_orders", &fs::Data::n_orders)
        .def_ro("n_vehicles", &fs::Data::n_vehicles);

    m.def(
        "route_cost",
        [](const fs::Data& data, int vehicle, const std::vector<int>& stops) {
            if (vehicle < 0 || vehicle >= data.n_vehicles) throw std::out_of_range("vehicle");
            for (int s : stops)
                if (s < 0 || s >= data.n_orders + data.n_kinds()) throw std::out_of_range("stop");
            fs::RouteCost price(data);
            return as_python(price(vehicle, stops.data(), (int)stops.size()));
        },
        "problem"_a, "vehicle"_a, "stops"_a, "The cost of one route (inf where no schedule is feasible).");

    m.def(
        "solve",
        [](const fs::Data& data, const std::vector<std::vector<int>>& initial, uint64_t seed, int64_t max_iterations,
           double time_limit_s, double start_temperature, double end_temperature, double mean_removed,
           int retry_near, bool insert_left_out, const std::vector<int>& runs, bool jobs_first, int64_t patience) {
            if (max_iterations < 0 && time_limit_s < 0) throw std::invalid_argument("a search needs a limit");
            fs::Params params;
            params.seed = seed;
            params.max_iterations = max_iterations;
            params.time_limit_s = time_limit_s;
            params.start_temperature = start_temperature;
            params.end_temperature = end_temperature;
            params.mean_removed = mean_removed;
            params.retry_near = retry_near;
            params.insert_left_out = insert_left_out;
            params.jobs_first = jobs_first;
            params.patience = patience;
            fs::Result result;
            {
                nb::gil_scoped_release release;
                fs::Search search(data, params);
                result = search.run(initial, runs);
            }
            nb::dict out;
            out["routes"] = result.routes;
            out["runs"] = result.runs;
            nb::list collections;
            for (const fs::Collection& c : result.collections)
                collections.append(nb::make_tuple(c.vehicle, c.position, c.parts, c.tools));
            out["collections"] = collections;
            out["cost"] = as_python(result.cost);
            out["iterations"] = result.iterations;
            out["evaluations"] = result.evaluations;
            out["positions"] = result.positions;
            out["improvements"] = result.improvements;
            out["timed_out"] = result.timed_out;
            out["converged"] = result.converged;
            return out;
        },
        "problem"_a, "initial"_a, "seed"_a, "max_iterations"_a, "time_limit_s"_a, "start_temperature"_a = 300.0,
        "end_temperature"_a = 1.0, "mean_removed"_a = 10.0, "retry_near"_a = 20, "insert_left_out"_a = true,
        "runs"_a = std::vector<int>{}, "jobs_first"_a = false, "patience"_a = -1,
        "Search from `initial` (orders per vehicle) and `runs` (multi-day runs taken) until the work or time limit "
        "(-1: none), or `patience` iterations without a better plan (-1: never).");
}
