//! The graph operators end to end: `make-graph` with `graph-match`,
//! `graph-shortest-paths`, `graph-to-table` and `graph-mark-components`, and the graph
//! functions (`all`, `any`, `map`, `inner_nodes`, `node_degree_in/out`, `node_id`).
//! Every expected table comes from the Kusto documentation page named above it
//! (`docs: <page>`), never from hunt. Kusto documents no row order for these
//! operators, so rows are compared as sorted lines.

mod common;

use common::fails;
use hunt::Engine;

/// Runs `q`: the header (`name:type`, joined by `|`) then the rows, sorted.
fn run(q: &str) -> String {
    let r = Engine::new()
        .query(q)
        .unwrap_or_else(|e| panic!("{q}\n{:?}", e.diagnostic()));
    let text = common::render(&r, Some("null"));
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default().to_string();
    let mut rows: Vec<&str> = lines.collect();
    rows.sort_unstable();
    std::iter::once(header.as_str())
        .chain(rows)
        .collect::<Vec<_>>()
        .join("\n")
}

#[track_caller]
fn check(q: &str, expected: &str) {
    let mut want: Vec<&str> = expected.trim().lines().map(str::trim).collect();
    if want.len() > 1 {
        want[1..].sort_unstable();
    }
    assert_eq!(run(q), want.join("\n"), "query: {q}");
}

const PEOPLE: &str = r#"
let nodes = datatable(name:string, type:string, age:int)
[
  "Alice", "Person", 23,
  "Bob", "Person", 31,
  "Eve", "Person", 17,
  "Mallory", "Person", 29,
  "Trent", "System", 99
];
let edges = datatable(Source:string, Destination:string, edge_type:string)
[
  "Alice", "Bob", "communicatesWith",
  "Alice", "Trent", "trusts",
  "Bob", "Trent", "hasPermission",
  "Eve", "Alice", "attacks",
  "Mallory", "Alice", "attacks",
  "Mallory", "Bob", "attacks"
];
"#;

const EMPLOYEES: &str = r#"
let employees = datatable(name:string, age:long)
[
  "Alice", 32,
  "Bob", 31,
  "Eve", 27,
  "Joe", 29,
  "Chris", 45,
  "Alex", 35,
  "Ben", 23,
  "Richard", 39,
];
let reports = datatable(employee:string, manager:string)
[
  "Bob", "Alice",
  "Chris", "Alice",
  "Eve", "Bob",
  "Ben", "Chris",
  "Joe", "Alice",
  "Richard", "Bob"
];
"#;

const STATIONS: &str = r#"
let connections = datatable(from_station:string, to_station:string, line:string)
[
  "Central", "North", "red",
  "North", "Central", "red",
  "Central", "South",  "red",
  "South", "Central",  "red",
  "South", "South-West", "red",
  "South-West", "South", "red",
  "South-West", "West", "red",
  "West", "South-West", "red",
  "Central", "East", "blue",
  "East", "Central", "blue",
  "Central", "West", "blue",
  "West", "Central", "blue",
];
let stations = datatable(station:string, wifi: bool)
[
  "Central", true,
  "North", false,
  "South", false,
  "South-West", true,
  "West", true,
  "East", false
];
"#;

const ROUTES: &str = r#"
let Locations = datatable(LocationName: string, LocationType: string) [
    "New York", "City",
    "San Francisco", "City",
    "Chicago", "City",
    "Los Angeles", "City",
    "Seattle", "Warehouse"
];
let Routes = datatable(OriginLocationID: string, DestinationLocationID: string, TransportMode: string) [
    "New York", "San Francisco", "Truck",
    "New York", "Chicago", "Train",
    "San Francisco", "Los Angeles", "Truck",
    "Chicago", "Seattle", "Train",
    "Los Angeles", "New York", "Truck",
    "Seattle", "San Francisco", "Train"
];
"#;

const FAMILY: &str = r#"
let ChildOf = datatable(child:string, parent:string)
[
  "Alice", "Bob",
  "Carol", "Alice",
  "Carol", "Dave",
  "Greg", "Alice",
  "Greg", "Dave",
  "Howard", "Alice",
  "Howard", "Dave",
  "Eve", "Frank",
  "Frank", "Mallory",
  "Eve", "Kirk",
];
"#;

#[test]
fn attack_path_with_fixed_edges() {
    // docs: make-graph-operator
    check(
        &format!(
            "{PEOPLE} edges
            | make-graph Source --> Destination with nodes on name
            | graph-match (mallory)-[attacks]->(compromised)-[hasPermission]->(trent)
              where mallory.name == 'Mallory' and trent.name == 'Trent' and attacks.edge_type == 'attacks' and hasPermission.edge_type == 'hasPermission'
              project Attacker = mallory.name, Compromised = compromised.name, System = trent.name"
        ),
        "Attacker:string|Compromised:string|System:string
         Mallory|Bob|Trent",
    );
    // docs: graph-match-operator (star pattern: a second sequence sharing `compromised`)
    check(
        &format!(
            "{PEOPLE} edges
            | make-graph Source --> Destination with nodes on name
            | graph-match (mallory)-[attacks]->(compromised)-[hasPermission]->(trent), (compromised)-[communicates]-(alice)
              where mallory.name == 'Mallory' and trent.name == 'Trent' and attacks.edge_type == 'attacks' and hasPermission.edge_type == 'hasPermission' and alice.name == 'Alice'
              project Attacker = mallory.name, Compromised = compromised.name, System = trent.name"
        ),
        "Attacker:string|Compromised:string|System:string
         Mallory|Bob|Trent",
    );
}

#[test]
fn variable_length_edges_give_arrays() {
    // docs: graph-match-operator (all employees in a manager's org)
    check(
        &format!(
            "{EMPLOYEES} reports
            | make-graph employee --> manager with employees on name
            | graph-match (alice)<-[reports*1..5]-(employee)
              where alice.name == 'Alice' and employee.age < 30
              project employee = employee.name, age = employee.age, reportingPath = map(reports, manager)"
        ),
        r#"employee:string|age:long|reportingPath:dynamic
           Joe|29|["Alice"]
           Eve|27|["Alice","Bob"]
           Ben|23|["Alice","Chris"]"#,
    );
    // docs: inner_nodes-graph-function
    check(
        &format!(
            "{EMPLOYEES} reports
            | make-graph employee --> manager with employees on name
            | graph-match (manager)<-[reports*1..5]-(employee)
              where manager.name == 'Alice' and all(inner_nodes(reports), age < 40)
              project employee = employee.name, manager = manager.name, reportingPath = map(inner_nodes(reports), name)"
        ),
        r#"employee:string|manager:string|reportingPath:dynamic
           Bob|Alice|[]
           Chris|Alice|[]
           Joe|Alice|[]
           Eve|Alice|["Bob"]
           Richard|Alice|["Bob"]"#,
    );
}

#[test]
fn all_and_cycles_of_unique_edges() {
    // docs: all-graph-function (out on the red line, back on the blue one)
    check(
        &format!(
            r#"{STATIONS} connections
            | make-graph from_station --> to_station with_node_id=station
            | graph-match (start)-[outward*1..5]->(destination)-[return*1..5]->(start)
              where start.station != destination.station and all(outward, line == "red") and all(return, line == "blue")
              project from = start.station,
                      outward_stations = strcat_array(map(inner_nodes(outward), station), "->"),
                      to = destination.station,
                      return_stations = strcat_array(map(inner_nodes(return), station), "->"),
                      back = start.station"#
        ),
        "from:string|outward_stations:string|to:string|return_stations:string|back:string
         Central|North->Central->South->South-West|West||Central
         West|South-West->South->Central->North|Central||West
         Central|South->South-West|West||Central
         West|South-West->South|Central||West
         Central|North->Central->South->South-West|West|Central->East|Central
         West|South-West->South->Central->North|Central|East->Central|West
         Central|South->South-West|West|Central->East|Central
         West|South-West->South|Central|East->Central|West",
    );
}

#[test]
fn any_and_cycles_none() {
    // docs: any-graph-function
    check(
        &format!(
            "{ROUTES} Routes
            | make-graph OriginLocationID --> DestinationLocationID with Locations on LocationName
            | graph-match (src)-[route*1..2]->(dest)
              where any(route, TransportMode == 'Train')
              project src.LocationName, dest.LocationName, route_TransportModes = map(route, TransportMode)"
        ),
        r#"src_LocationName:string|dest_LocationName:string|route_TransportModes:dynamic
           Seattle|San Francisco|["Train"]
           Chicago|Seattle|["Train"]
           New York|Chicago|["Train"]
           Seattle|Los Angeles|["Train","Truck"]
           Chicago|San Francisco|["Train","Train"]
           New York|Seattle|["Train","Train"]
           Los Angeles|Chicago|["Truck","Train"]"#,
    );
    // docs: any-graph-function (stations with Wi-Fi, no station twice)
    check(
        &format!(
            r#"{STATIONS} connections
            | make-graph from_station --> to_station with stations on station
            | graph-match cycles=none (start)-[connections*2..5]->(destination)
              where start.station == "South-West" and destination.station == "North" and any(inner_nodes(connections), wifi)
              project from = start.station, stations = strcat_array(map(inner_nodes(connections), station), "->"), to = destination.station"#
        ),
        "from:string|stations:string|to:string
         South-West|South->Central|North
         South-West|West->Central|North",
    );
}

#[test]
fn node_degrees_and_ids() {
    // docs: node-degree-in
    check(
        &format!(
            "{EMPLOYEES} reports
            | make-graph employee --> manager with employees on name
            | graph-match (manager)<-[reports]-(employee)
              where node_degree_in(manager) == 3
              project manager.name, employee.name, degree_in_m=node_degree_in(manager), degree_out_e=node_degree_out(employee)"
        ),
        "manager_name:string|employee_name:string|degree_in_m:long|degree_out_e:long
         Alice|Bob|3|1
         Alice|Chris|3|1
         Alice|Joe|3|1",
    );
    // docs: node-degree-out
    check(
        &format!(
            "{ROUTES} Routes
            | make-graph OriginLocationID --> DestinationLocationID with Locations on LocationName
            | graph-match (src)-[route*1..2]->(dest)
              project src.LocationName, dest.LocationName, node_degree_out(src),
                      route_TransportModes = map(route, TransportMode),
                      route_nodes_degree_out = map(inner_nodes(route), node_degree_out())"
        ),
        r#"src_LocationName:string|dest_LocationName:string|node_degree_out:long|route_TransportModes:dynamic|route_nodes_degree_out:dynamic
           Chicago|Seattle|1|["Train"]|[]
           New York|Chicago|2|["Train"]|[]
           Los Angeles|New York|1|["Truck"]|[]
           San Francisco|Los Angeles|1|["Truck"]|[]
           Seattle|San Francisco|1|["Train"]|[]
           New York|San Francisco|2|["Truck"]|[]
           Chicago|San Francisco|1|["Train","Train"]|[1]
           New York|Seattle|2|["Train","Train"]|[1]
           New York|Los Angeles|2|["Truck","Truck"]|[1]
           San Francisco|New York|1|["Truck","Truck"]|[1]
           Seattle|Los Angeles|1|["Train","Truck"]|[1]
           Los Angeles|San Francisco|1|["Truck","Truck"]|[2]
           Los Angeles|Chicago|1|["Truck","Train"]|[2]"#,
    );
    // docs: node-id (Chris has no node row: the node still exists, with its id)
    check(
        r#"let employees = datatable(name:string, age:long) ["Alice", 32, "Bob", 31, "Eve", 27];
        let reports = datatable(employee:string, manager:string) ["Bob", "Alice", "Chris", "Alice", "Eve", "Bob"];
        reports
        | make-graph employee --> manager with employees on name
        | graph-match (employee)-[reports*1..3]->(manager)
            where node_id(employee) startswith "E"
            project manager1 = node_id(manager), manager2 = map(inner_nodes(reports), node_id())"#,
        r#"manager1:string|manager2:dynamic
           Bob|[]
           Alice|["Bob"]"#,
    );
}

#[test]
fn shortest_paths() {
    // docs: graph-shortest-paths-operator (output=all)
    check(
        &format!(
            r#"{STATIONS} connections
            | make-graph from_station --> to_station with_node_id=station
            | graph-shortest-paths output=all (start)-[connections*1..5]->(destination)
              where start.station == "South-West" and destination.station == "North"
              project from = start.station, path = map(connections, to_station), line = map(connections, line), to = destination.station"#
        ),
        r#"from:string|path:dynamic|line:dynamic|to:string
           South-West|["South","Central","North"]|["red","red","red"]|North
           South-West|["West","Central","North"]|["red","blue","red"]|North"#,
    );
    // docs: all-graph-function (shortest paths from North avoiding West)
    check(
        &format!(
            r#"{STATIONS} connections
            | make-graph from_station --> to_station with_node_id=station
            | graph-shortest-paths (start)-[connections*1..5]->(destination)
              where all(inner_nodes(connections), station != "West") and start.station == "North"
              project from = start.station, stations = strcat_array(map(inner_nodes(connections), station), "->"), to = destination.station"#
        ),
        "from:string|stations:string|to:string
         North||Central
         North|Central|South
         North|Central|East
         North|Central|West
         North|Central->South|South-West",
    );
    // docs: all-graph-function (the one shortest path through Wi-Fi stations)
    check(
        &format!(
            r#"{STATIONS} connections
            | make-graph from_station --> to_station with stations on station
            | graph-shortest-paths (start)-[connections*2..5]->(destination)
              where start.station == "South-West" and destination.station == "North" and all(inner_nodes(connections), wifi)
              project from = start.station, stations = strcat_array(map(inner_nodes(connections), station), "->"), to = destination.station"#
        ),
        "from:string|stations:string|to:string
         South-West|West->Central|North",
    );
    // Two shortest paths and `output=any`: Kusto returns an arbitrary one.
    fails(&format!(
        r#"{STATIONS} connections
        | make-graph from_station --> to_station with_node_id=station
        | graph-shortest-paths (start)-[connections*1..5]->(destination)
          where start.station == "South-West" and destination.station == "North"
          project path = map(connections, to_station)"#
    ));
}

#[test]
fn components_and_graph_to_table() {
    // docs: graph-mark-components-operator
    check(
        &format!(
            "{FAMILY} ChildOf
            | make-graph child --> parent with_node_id=name
            | graph-mark-components with_component_id = family
            | graph-to-table nodes"
        ),
        "name:string|family:long
         Alice|0
         Bob|0
         Carol|0
         Dave|0
         Greg|0
         Howard|0
         Eve|1
         Frank|1
         Mallory|1
         Kirk|1",
    );
    check(
        &format!(
            "{FAMILY} ChildOf
            | make-graph child --> parent with_node_id=name
            | graph-mark-components with_component_id = family
            | graph-match (descendant)-[childOf*1..5]->(ancestor)
              project name = ancestor.name, lineage = map(childOf, child), family = ancestor.family
            | summarize (generations, name) = arg_max(array_length(lineage),name) by family"
        ),
        "family:long|generations:long|name:string
         1|2|Mallory
         0|2|Bob",
    );
    // docs: tutorials/your-first-graph
    check(
        r#"let employees = datatable(name:string, role:string, age:long)
        [
          "Alice", "CEO", 45,
          "Bob", "Engineering Manager", 35,
          "Carol", "Marketing Manager", 38,
          "Dave", "Developer", 28,
          "Eve", "Developer", 26,
          "Frank", "Marketing Specialist", 30
        ];
        let reports = datatable(employee:string, manager:string)
        ["Bob", "Alice", "Carol", "Alice", "Dave", "Bob", "Eve", "Bob", "Frank", "Carol"];
        reports
        | make-graph employee --> manager with employees on name
        | graph-to-table nodes"#,
        "name:string|role:string|age:long
         Alice|CEO|45
         Bob|Engineering Manager|35
         Carol|Marketing Manager|38
         Dave|Developer|28
         Eve|Developer|26
         Frank|Marketing Specialist|30",
    );
}

const ORG: &str = r#"
let employees = datatable(name:string, role:string, age:long)
[
  "Alice", "CEO", 45,
  "Bob", "Engineering Manager", 35,
  "Carol", "Marketing Manager", 38,
  "Dave", "Developer", 28,
  "Eve", "Developer", 26,
  "Frank", "Marketing Specialist", 30
];
let reports = datatable(employee:string, manager:string)
["Bob", "Alice", "Carol", "Alice", "Dave", "Bob", "Eve", "Bob", "Frank", "Carol"];
"#;

#[test]
fn tutorial_reports_and_array_length() {
    // docs: tutorials/your-first-graph
    check(
        &format!(
            r#"{ORG} reports
            | make-graph employee --> manager with employees on name
            | graph-match (alice)<-[reports]-(employee)
              where alice.name == "Alice"
              project employee = employee.name, role = employee.role, age = employee.age"#
        ),
        "employee:string|role:string|age:long
         Bob|Engineering Manager|35
         Carol|Marketing Manager|38",
    );
    // docs: tutorials/your-first-graph (a variable length edge is an array of edges)
    check(
        &format!(
            r#"{ORG} reports
            | make-graph employee --> manager with employees on name
            | graph-match (alice)<-[reports*1..3]-(employee)
              where alice.name == "Alice"
              project employee = employee.name, role = employee.role, reportingLevels = array_length(reports)"#
        ),
        "employee:string|role:string|reportingLevels:long
         Bob|Engineering Manager|1
         Carol|Marketing Manager|1
         Dave|Developer|2
         Eve|Developer|2
         Frank|Marketing Specialist|2",
    );
}

#[test]
fn a_graph_bound_by_let() {
    // docs: make-graph-operator (the attack path, its graph bound by `let` as in the
    // graph best-practices page)
    check(
        &format!(
            "{PEOPLE} let g = edges | make-graph Source --> Destination with nodes on name;
            g
            | graph-match (mallory)-[attacks]->(compromised)-[hasPermission]->(trent)
              where mallory.name == 'Mallory' and trent.name == 'Trent' and attacks.edge_type == 'attacks' and hasPermission.edge_type == 'hasPermission'
              project Attacker = mallory.name, Compromised = compromised.name, System = trent.name"
        ),
        "Attacker:string|Compromised:string|System:string
         Mallory|Bob|Trent",
    );
    // A later `let` of a name the graph reads does not change the graph.
    check(
        &format!(
            "{PEOPLE} let g = edges | make-graph Source --> Destination with nodes on name;
            let nodes = datatable(name:string)[];
            g | graph-to-table nodes | where name == 'Trent'"
        ),
        "name:string|type:string|age:int
         Trent|System|99",
    );
}

#[test]
fn graph_to_table_node_hash_ids() {
    // docs: graph-to-table-operator ("Get edges" and "Get nodes"). The page's hash ids are
    // `hash()` of the node ids (hash-function: xxhash64), first in the output.
    let edges = r#"let nodes = datatable(name:string, type:string, age:long)
        ["Alice", "Person", 23, "Bob", "Person", 31, "Eve", "Person", 17, "Mallory", "Person", 29, "Trent", "System", 99];
        let edges = datatable(source:string, destination:string, edge_type:string)
        ["Alice", "Bob", "communicatesWith", "Alice", "Trent", "trusts", "Bob", "Trent", "hasPermission",
         "Eve", "Alice", "attacks", "Mallory", "Alice", "attacks", "Mallory", "Bob", "attacks"];
        edges
        | make-graph source --> destination with nodes on name
        | graph-to-table edges with_source_id=SourceId with_target_id=TargetId"#;
    check(
        edges,
        "SourceId:long|TargetId:long|source:string|destination:string|edge_type:string
         -3122868243544336885|-7133945255344544237|Alice|Bob|communicatesWith
         -3122868243544336885|2533909231875758225|Alice|Trent|trusts
         -7133945255344544237|2533909231875758225|Bob|Trent|hasPermission
         4363395278938690453|-3122868243544336885|Eve|Alice|attacks
         3855580634910899594|-3122868243544336885|Mallory|Alice|attacks
         3855580634910899594|-7133945255344544237|Mallory|Bob|attacks",
    );
    // Mallory is in no node row: a node of its id alone, its other properties empty
    // (the string "" as KQL's null string), as the page shows.
    check(
        r#"let nodes = datatable(name:string, type:string, age:long)
        ["Alice", "Person", 23, "Bob", "Person", 31, "Eve", "Person", 17, "Trent", "System", 99];
        let edges = datatable(source:string, destination:string, edge_type:string)
        ["Alice", "Bob", "communicatesWith", "Alice", "Trent", "trusts", "Bob", "Trent", "hasPermission",
         "Eve", "Alice", "attacks", "Mallory", "Alice", "attacks", "Mallory", "Bob", "attacks"];
        edges
        | make-graph source --> destination with nodes on name
        | graph-to-table nodes with_node_id=NodeId"#,
        "NodeId:long|name:string|type:string|age:long
         -3122868243544336885|Alice|Person|23
         -7133945255344544237|Bob|Person|31
         4363395278938690453|Eve|Person|17
         2533909231875758225|Trent|System|99
         3855580634910899594|Mallory||null",
    );
    // Only the target's id (the edges' own columns follow it).
    check(
        &edges.replace("with_source_id=SourceId ", ""),
        "TargetId:long|source:string|destination:string|edge_type:string
         -7133945255344544237|Alice|Bob|communicatesWith
         2533909231875758225|Alice|Trent|trusts
         2533909231875758225|Bob|Trent|hasPermission
         -3122868243544336885|Eve|Alice|attacks
         -3122868243544336885|Mallory|Alice|attacks
         -7133945255344544237|Mallory|Bob|attacks",
    );
}

#[test]
fn long_node_ids() {
    // docs: make-graph-operator (the attack path, its nodes numbered)
    check(
        r#"let nodes = datatable(id:long, name:string, type:string)
        [1, "Alice", "Person", 2, "Bob", "Person", 3, "Eve", "Person", 4, "Mallory", "Person", 5, "Trent", "System"];
        let edges = datatable(Source:long, Destination:long, edge_type:string)
        [1, 2, "communicatesWith", 1, 5, "trusts", 2, 5, "hasPermission", 3, 1, "attacks", 4, 1, "attacks", 4, 2, "attacks"];
        edges
        | make-graph Source --> Destination with nodes on id
        | graph-match (mallory)-[attacks]->(compromised)-[hasPermission]->(trent)
          where mallory.name == "Mallory" and trent.name == "Trent" and attacks.edge_type == "attacks" and hasPermission.edge_type == "hasPermission"
          project Attacker = mallory.name, Compromised = compromised.name, System = trent.name, Id = compromised.id, NodeId = node_id(compromised)"#,
        "Attacker:string|Compromised:string|System:string|Id:long|NodeId:string
         Mallory|Bob|Trent|2|2",
    );
    // Ids of two types are not compared.
    fails(
        r#"datatable(s:long, t:string)[1, "1"] | make-graph s --> t | graph-match (a)-->(b) project node_id(a)"#,
    );
}

#[test]
fn partitioned_graphs() {
    // docs: make-graph-operator (the attack path, in each of two tenants whose graphs are
    // built apart: tenant t2 lacks the edge Mallory -> Bob, so only t1 matches)
    check(
        &format!(
            "{PEOPLE} let e2 = edges | extend tenant = 't1'
              | union (edges | where not(Source == 'Mallory' and Destination == 'Bob') | extend tenant = 't2');
            let n2 = nodes | extend tenant = 't1' | union (nodes | extend tenant = 't2');
            e2
            | make-graph Source --> Destination with n2 on name partitioned-by tenant (
                graph-match (mallory)-[attacks]->(compromised)-[hasPermission]->(trent)
                  where mallory.name == 'Mallory' and trent.name == 'Trent' and attacks.edge_type == 'attacks' and hasPermission.edge_type == 'hasPermission'
                  project Attacker = mallory.name, Compromised = compromised.name, System = trent.name, Tenant = mallory.tenant
            )"
        ),
        "Attacker:string|Compromised:string|System:string|Tenant:string
         Mallory|Bob|Trent|t1",
    );
}

#[test]
fn what_hunt_cannot_answer_is_refused() {
    // Node hash ids of ids that are not strings (`hash` of them is not documented), of
    // nodes without properties, with the target id written first (the column order is
    // not documented), or named like a column.
    fails(
        "datatable(s:long, t:long)[1, 2] | make-graph s --> t | graph-to-table edges with_source_id=S",
    );
    fails(&format!(
        "{PEOPLE} edges | make-graph Source --> Destination | graph-to-table nodes with_node_id=NodeId"
    ));
    fails(&format!(
        "{PEOPLE} edges | make-graph Source --> Destination
         | graph-to-table edges with_target_id=T with_source_id=S"
    ));
    fails(&format!(
        "{PEOPLE} edges | make-graph Source --> Destination with nodes on name
         | graph-to-table nodes with_node_id=age"
    ));
    fails(&format!(
        "{PEOPLE} edges | make-graph Source --> Destination with nodes on name
         | graph-to-table nodes with_source_id=S"
    ));
    // The node table lacks the partition column.
    fails(&format!(
        "{PEOPLE} edges | make-graph Source --> Destination with nodes on name partitioned-by edge_type (graph-to-table nodes)"
    ));
    fails(&format!(
        "{PEOPLE} edges | make-graph Source --> Destination | graph-match (a)-[e]->(b) project labels(a)"
    ));
    // Kusto's name for an unnamed expression here is not documented.
    fails(&format!(
        "{PEOPLE} edges | make-graph Source --> Destination | graph-match (a)-->(b) project strcat(node_id(a), node_id(b))"
    ));
    // The elements of a variable length edge have no documented form.
    fails(&format!(
        "{PEOPLE} edges | make-graph Source --> Destination | graph-match (a)-[e*1..2]->(b) project e"
    ));
    // A graph needs a graph operator after it, and graph operators need a graph.
    fails(&format!(
        "{PEOPLE} edges | make-graph Source --> Destination | take 1"
    ));
    fails(&format!("{PEOPLE} edges | graph-to-table nodes"));
}
