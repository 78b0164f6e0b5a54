//! Prints a YAML file as helm's `toJson .Values` would (Go JSON), to compare with real helm:
//! `cargo run -p chartship-chart --example values_json -- values.yaml`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: values_json <file.yaml>")?;
    let text = std::fs::read_to_string(path)?;
    let value = chartship_chart::yaml::parse(&text)?;
    println!("{}", chartship_chart::gojson::to_string(&value));
    Ok(())
}
