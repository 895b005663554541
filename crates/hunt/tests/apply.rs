//! `mv-apply`, `evaluate bag_unpack` and `evaluate pivot` end to end. Every expected value
//! comes from the Kusto documentation's examples (`docs: <page>`) or from the real-Kusto
//! oracle in `shared/conformance/kusto-oracle` (`oracle: <case id>`), never from hunt.

mod common;

use common::{check, fails};
use hunt::Engine;

// ---------------------------------------------------------------- mv-apply

#[test]
fn mv_apply_docs_examples() {
    // docs: mv-apply-operator (take, top 1, top 2 | summarize)
    check(
        "let data = datatable (index: int, Arr: dynamic)[0, dynamic([7]), 1, dynamic([6, 11, 7])]; data | mv-apply Arr2=Arr to typeof(long) on (take 100)",
        "index:int|Arr:dynamic|Arr2:long
         0|[7]|7
         1|[6,11,7]|6
         1|[6,11,7]|11
         1|[6,11,7]|7",
    );
    check(
        "let data = datatable (index: int, Arr: dynamic)[0, dynamic([1, 5, 3]), 1, dynamic([10, 2, 5, 7])]; data | mv-apply topElem=Arr to typeof(long) on (top 1 by topElem)",
        "index:int|Arr:dynamic|topElem:long
         0|[1,5,3]|5
         1|[10,2,5,7]|10",
    );
    check(
        "let data = datatable (index: int, Arr: dynamic)[0, dynamic([5, 1, 3]), 1, dynamic([4, 10, 8, 7])]; data | mv-apply Arr2=Arr to typeof(long) on (top 2 by Arr2 | summarize Top2=make_list(Arr2))",
        "index:int|Arr:dynamic|Top2:dynamic
         0|[5,1,3]|[5,3]
         1|[4,10,8,7]|[10,8]",
    );
    // docs: mv-apply-operator (several arrays in lockstep)
    check(
        "datatable (Val:int, Arr1:dynamic, Arr2:dynamic)[1, dynamic(['A1', 'A2', 'A3']), dynamic([10, 30, 7]), 7, dynamic(['B1', 'B2', 'B5']), dynamic([15, 11, 50]), 3, dynamic(['C1', 'C2', 'C3', 'C4']), dynamic([6, 40, 20, 8])] | mv-apply NewArr1=Arr1, NewArr2=Arr2 to typeof(long) on (top 2 by NewArr2 | summarize NewArr1=make_list(NewArr1), NewArr2=make_list(NewArr2))",
        r#"Val:int|Arr1:dynamic|Arr2:dynamic|NewArr1:dynamic|NewArr2:dynamic
           1|["A1","A2","A3"]|[10,30,7]|["A2","A1"]|[30,10]
           7|["B1","B2","B5"]|[15,11,50]|["B5","B1"]|[50,15]
           3|["C1","C2","C3","C4"]|[6,40,20,8]|["C2","C3"]|[40,20]"#,
    );
    check(
        r#"datatable (Val: int, Arr1: dynamic, Arr2: dynamic)[1, dynamic(['A1', 'A2']), dynamic(['B1', 'B2', 'B3']), 5, dynamic(['C1', 'C2']), dynamic(['D1'])] | mv-apply T1=Arr1, T2=Arr2 on (extend Out = strcat(T1, "_", T2) | summarize Out= make_list(Out))"#,
        r#"Val:int|Arr1:dynamic|Arr2:dynamic|Out:dynamic
           1|["A1","A2"]|["B1","B2","B3"]|["A1_B1","A2_B2","_B3"]
           5|["C1","C2"]|["D1"]|["C1_D1","C2_"]"#,
    );
    // docs: mv-apply-operator (with_itemindex)
    check(
        "let data = datatable (row: int, Arr: dynamic)[0, dynamic([5, 1, 3]), 1, dynamic([4, 10, 8, 7])]; data | mv-apply with_itemindex=index value=Arr to typeof(long) on (where index >= 2)",
        "row:int|Arr:dynamic|value:long|index:long
         0|[5,1,3]|3|2
         1|[4,10,8,7]|8|2
         1|[4,10,8,7]|7|3",
    );
    // docs: mv-apply-operator (the subquery sees the record's other columns; pack_all()
    // written out as bag_pack)
    check(
        r#"datatable(Source: string, Target: string, Count: long)['555-1234', '555-1212', 46, '555-2424', '', int(null)] | extend Pack = bag_pack("Source", Source, "Target", Target, "Count", Count) | mv-apply removeProperties = Pack on (mv-expand kind = array Pack | where Pack[1] !startswith "555" | summarize propsToRemove = make_set(Pack[0])) | extend values = bag_remove_keys(Pack, propsToRemove) | project-away propsToRemove | project values"#,
        r#"values:dynamic
           {"Source":"555-1234","Target":"555-1212"}
           {"Source":"555-2424"}"#,
    );
}

#[test]
fn mv_apply_oracle_cases() {
    // oracle: i-mvapplysum (an unexpanded source column comes first)
    check(
        r#"print d=dynamic([{"v":1},{"v":2},{"v":3},{"v":4}])|mv-apply e=d on (where toint(e.v)%2==0|summarize s=sum(toint(e.v)))"#,
        r#"d:dynamic|s:long
           [{"v":1},{"v":2},{"v":3},{"v":4}]|6"#,
    );
    // oracle: agent-dynamic-json-0019
    check(
        r#"datatable(d:dynamic)[ dynamic({"x":1}), dynamic({"y":2}) ] | mv-apply k = bag_keys(d) on (extend kk = k)"#,
        r#"d:dynamic|k:dynamic|kk:dynamic
           {"x":1}|"x"|"x"
           {"y":2}|"y"|"y""#,
    );
    // oracle: agent-nested-pipelines-let-cte-0035 (the subquery reads the record's columns)
    check(
        r#"let s = datatable(g:string, v:long)[ "a",1, "a",2, "a",3, "b",4, "b",5 ]; let agg = s | summarize lst = make_list(v), mn = min(v), mx = max(v) by g; let norm = agg | mv-apply x = lst to typeof(long) on (extend scaled = (x - mn) * 1.0 / (mx - mn) | summarize avgscaled = avg(scaled)); norm | project g, avgscaled | sort by g asc"#,
        "g:string|avgscaled:real
         a|0.5
         b|0.5",
    );
    // oracle: agent-dynamic-json-0035
    check(
        r#"print d = dynamic({"groups":[{"g":"x","items":[1,2]},{"g":"y","items":[3,4,5]}]}) | mv-apply grp = d.groups on (extend gs = array_sum(grp.items), gn = tostring(grp.g)) | project gn, gs | sort by gn asc"#,
        "gn:string|gs:real
         x|3
         y|12",
    );
}

#[test]
fn mv_apply_limit_order_project() {
    // By hand from the mv-apply docs: `limit N` expands at most N elements per record.
    check(
        "print a = dynamic([5, 6, 7]) | mv-apply x = a to typeof(long) limit 2 on (summarize s = sum(x))",
        "a:dynamic|s:long\n[5,6,7]|11",
    );
    // order by and project inside the subquery; the unexpanded column comes first.
    check(
        "datatable(k:string, a:dynamic)['p', dynamic([3, 1, 2])] | mv-apply x = a to typeof(long) on (order by x asc | project y = x * 10)",
        "k:string|a:dynamic|y:long
         p|[3,1,2]|10
         p|[3,1,2]|20
         p|[3,1,2]|30",
    );
}

#[test]
fn mv_apply_refusals() {
    // Whether Kusto runs the subquery for a record with nothing to expand is not documented.
    fails("print a = dynamic([]) | mv-apply a on (summarize c = count())");
    // "A random name is used otherwise" (docs: mv-apply-operator)
    fails("print d = dynamic({\"a\":1}) | mv-apply bag_keys(d) on (take 1)");
    // whether the subquery's rows count as serialized is not documented
    fails("print a = dynamic([1, 2]) | mv-apply a on (extend r = row_number())");
    // mv-apply takes only with_itemindex
    fails("print a = dynamic([1]) | mv-apply kind=array a on (take 1)");
}

// ---------------------------------------------------------------- evaluate bag_unpack

#[test]
fn bag_unpack_docs_examples() {
    // docs: bag-unpack-plugin (new columns sorted by name)
    check(
        r#"datatable(d:dynamic)[dynamic({"Name": "John", "Age":20}), dynamic({"Name": "Dave", "Age":40}), dynamic({"Name": "Jasmine", "Age":30})] | evaluate bag_unpack(d)"#,
        "Age:long|Name:string
         20|John
         40|Dave
         30|Jasmine",
    );
    check(
        r#"datatable(d:dynamic)[dynamic({"Name": "John", "Age":20}), dynamic({"Name": "Dave", "Age":40}), dynamic({"Name": "Jasmine", "Age":30})] | evaluate bag_unpack(d, 'Property_')"#,
        "Property_Age:long|Property_Name:string
         20|John
         40|Dave
         30|Jasmine",
    );
    check(
        r#"datatable(Name:string, d:dynamic)['James', dynamic({"Name": "John", "Age":20}), 'David', dynamic({ "Age":40}), 'Emily', dynamic({"Name": "Jasmine", "Age":30})] | evaluate bag_unpack(d, columnsConflict='replace_source')"#,
        "Name:string|Age:long
         John|20
         |40
         Jasmine|30",
    );
    check(
        r#"datatable(Name:string, d:dynamic)['James', dynamic({"Name": "John", "Age":20}), 'David', dynamic({"Name": "Dave", "Age":40}), 'Emily', dynamic({"Name": "Jasmine", "Age":30})] | evaluate bag_unpack(d, columnsConflict='keep_source')"#,
        "Name:string|Age:long
         James|20
         David|40
         Emily|30",
    );
    check(
        r#"datatable(d:dynamic)[dynamic({"Name": "John", "Age":20, "Address": "Address-1" }), dynamic({"Name": "Dave", "Age":40, "Address": "Address-2"}), dynamic({"Name": "Jasmine", "Age":30, "Address": "Address-3"})] | evaluate bag_unpack(d, ignoredProperties=dynamic(['Address', 'Age']))"#,
        "Name:string
         John
         Dave
         Jasmine",
    );
    check(
        r#"datatable(d:dynamic)[dynamic({"Name": "John", "Age":20}), dynamic({ "Name": "Dave", "Height": 170, "Age":40}), dynamic({"Name": "Jasmine", "Age":30})] | evaluate bag_unpack(d)"#,
        "Age:long|Height:long|Name:string
         20|null|John
         40|170|Dave
         30|null|Jasmine",
    );
    // docs: bag-unpack-plugin (an output schema)
    check(
        r#"datatable(d:dynamic, Description: string)[dynamic({"Name": "John", "Age":20, "height":180}), "Student", dynamic({"Name": "Dave", "Age":40, "height":160}), "Teacher", dynamic({"Name": "Jasmine", "Age":30, "height":172}), "Student"] | evaluate bag_unpack(d) : (*, Name:string, Age:long)"#,
        "Description:string|Name:string|Age:long
         Student|John|20
         Teacher|Dave|40
         Student|Jasmine|30",
    );
    // docs: make-bag-aggregation-function
    check(
        r#"let T = datatable(prop:string, value:string)["prop01", "val_a", "prop02", "val_b", "prop03", "val_c"]; T | extend p = bag_pack(prop, value) | summarize bag=make_bag(p) | evaluate bag_unpack(bag)"#,
        "prop01:string|prop02:string|prop03:string
         val_a|val_b|val_c",
    );
}

#[test]
fn bag_unpack_oracle_cases() {
    // oracle: agent-dynamic-json-0038
    check(
        r#"datatable(d:dynamic)[ dynamic({"x":1,"y":2}), dynamic({"x":3,"y":4}) ] | evaluate bag_unpack(d)"#,
        "x:long|y:long\n1|2\n3|4",
    );
    // oracle: agent-dynamic-json-0026 (a slot named like the unpacked column takes its place)
    check(
        r#"print d = dynamic({"a":1,"b":"two","c":[3],"d":{"e":4}}) | evaluate bag_unpack(d)"#,
        r#"d:dynamic|a:long|b:string|c:dynamic
           {"e":4}|1|two|[3]"#,
    );
}

#[test]
fn bag_unpack_refusals() {
    // the default columnsConflict is `error` (docs: bag-unpack-plugin)
    fails(
        r#"datatable(Name:string, d:dynamic)['x', dynamic({"Name": "y"})] | evaluate bag_unpack(d)"#,
    );
    // whether Kusto's column order is case-blind is not documented
    fails(r#"print d = dynamic({"b":1,"B":2,"a":3}) | evaluate bag_unpack(d)"#);
    fails(r#"print d = dynamic({"a":1}) | evaluate some_plugin(d)"#);
}

// ---------------------------------------------------------------- evaluate pivot

#[test]
fn pivot_counts_and_sums() {
    // By hand from the pivot-plugin docs: one row per other-column value, one column per
    // pivoted value, count() by default, 0 where a combination has no rows (as the docs'
    // ALABAMA/ALASKA table shows).
    check(
        r#"datatable(State:string, EventType:string)["AL","Wind","AK","Wind","AL","Wind","AL","Hail"] | evaluate pivot(State)"#,
        "EventType:string|AL:long|AK:long
         Wind|2|1
         Hail|1|0",
    );
    check(
        r#"datatable(State:string, EventType:string, Deaths:long)["AR","Heat",3,"AZ","Flood",6,"AR","Heat",1] | evaluate pivot(State, sum(Deaths))"#,
        "EventType:string|AR:long|AZ:long
         Heat|4|0
         Flood|0|6",
    );
    check(
        r#"datatable(State:string, EventType:string, Source:string, Deaths:long)["AR","Heat","News",3,"AZ","Flood","TV",6] | evaluate pivot(State, sum(Deaths), EventType)"#,
        "EventType:string|AR:long|AZ:long
         Heat|3|0
         Flood|0|6",
    );
    fails(r#"datatable(State:string, v:long)["AL",1] | evaluate pivot(State, avg(v))"#);
}

#[test]
fn plugins_inside_mv_apply_need_a_schema() {
    // hunt learns bag_unpack's columns before running; inside mv-apply it cannot
    fails(r#"print a = dynamic([{"x":1}]) | mv-apply a on (evaluate bag_unpack(a))"#);
}

/// A Parquet table `People(Who:string, J:string)` holding the bags of the bag_unpack docs
/// as JSON text, in `dir`.
fn write_people(dir: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    use arrow::array::{ArrayRef, RecordBatch, StringArray};
    let who: ArrayRef = std::sync::Arc::new(StringArray::from(vec!["a", "b", "c"]));
    let j: ArrayRef = std::sync::Arc::new(StringArray::from(vec![
        r#"{"Name": "John", "Age":20}"#,
        r#"{ "Name": "Dave", "Height": 170, "Age":40}"#,
        r#"{"Name": "Jasmine", "Age":30}"#,
    ]));
    let batch = RecordBatch::try_from_iter(vec![("Who", who), ("J", j)])?;
    let file = std::fs::File::create(dir.join("People.parquet"))?;
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None)?;
    w.write(&batch)?;
    w.close()?;
    Ok(())
}

#[test]
fn plugins_over_parquet() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    write_people(dir.path())?;
    let mut e = Engine::open_dir(dir.path()).map_err(|e| format!("{:?}", e.diagnostic()))?;
    e.set_now(1_748_736_000_000_000_000);
    let q = "People | extend d = parse_json(J) | project-away J | evaluate bag_unpack(d)";
    let r = e.query(q).map_err(|e| format!("{:?}", e.diagnostic()))?;
    // docs: bag-unpack-plugin (the same bags, read from Parquet: the slots are learned by
    // reading the table while planning)
    assert_eq!(
        common::render(&r, Some("null")),
        "Who:string|Age:long|Height:long|Name:string
a|20|null|John
b|40|170|Dave
c|30|null|Jasmine"
    );
    Ok(())
}
