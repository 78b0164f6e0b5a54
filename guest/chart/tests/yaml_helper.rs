//! Manual comparison helper: `YAML_FILE=… cargo test -p chartship-chart --test yaml_helper --
//! --ignored --nocapture` prints the file as helm's `toJson .Values` would (Go JSON, sorted
//! keys), to compare with real helm.

#[test]
#[ignore = "manual helper, needs YAML_FILE"]
fn print_as_go_json() -> Result<(), Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(std::env::var("YAML_FILE")?)?;
    let value = chartship_chart::yaml::parse(&text)?;
    println!("JSON:{}", chartship_chart::gojson::to_string(&value));
    Ok(())
}
