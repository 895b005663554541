//! The unit conversions `convert_angle`, `convert_energy`, `convert_force`,
//! `convert_length`, `convert_mass`, `convert_speed`, `convert_temperature` and
//! `convert_volume` (docs: convert-*-function): `convert_X(value, from, to)` is `value`
//! (real) in unit `from` expressed in unit `to`, real; null when an argument is null or a
//! unit is not one of the function's units ("Invalid units return null").
//!
//! Kusto converts through the UnitsNet library, whose factors changed between versions
//! (a mile was 1609.34 m, then 1609.344 m) and the docs do not name the version. hunt
//! therefore knows only units whose factor is fixed by definition (SI prefixes, the
//! international yard and pound of 1959, calorie, gallon, …) or shown by a Learn page's
//! example (`BritishThermalUnit`, `AcreFoot`); a unit Kusto lists (its binder's list,
//! `Functions.Convert.cs`) that hunt does not know is refused by name, never guessed.

use super::text_at;
use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Scalar};
use crate::planner::cast_to;
use crate::registry::traits::{ArgValue, FunctionError, ScalarFunction};
use crate::types::KqlType;
use arrow_array::{Array, Float64Array};
use hunt_syntax::Span;
use std::f64::consts::PI;
use std::sync::Arc;

/// One conversion function: its name, the units Kusto accepts (`Functions.Convert.cs`),
/// and the units hunt converts, each as (name, base per unit, offset): a value `x` in
/// the unit is `x * factor + offset` in the base unit.
pub struct ConvertUnits {
    name: &'static str,
    kusto_units: &'static [&'static str],
    known: &'static [(&'static str, f64, f64)],
}

const FT: f64 = 0.3048;
const IN: f64 = 0.0254;
const YD: f64 = 0.9144;
const LB: f64 = 0.453_592_37;
const G0: f64 = 9.806_65;

/// The eight functions.
pub const ALL: &[ConvertUnits] = &[
    ConvertUnits {
        name: "convert_angle",
        kusto_units: &[
            "Arcminute",
            "Arcsecond",
            "Centiradian",
            "Deciradian",
            "Degree",
            "Gradian",
            "Microdegree",
            "Microradian",
            "Millidegree",
            "Milliradian",
            "Nanodegree",
            "Nanoradian",
            "NatoMil",
            "Radian",
            "Revolution",
            "Tilt",
        ],
        // Base: degree. `Tilt` (a sine) is not linear and stays refused.
        known: &[
            ("Degree", 1.0, 0.0),
            ("Arcminute", 1.0 / 60.0, 0.0),
            ("Arcsecond", 1.0 / 3600.0, 0.0),
            ("Millidegree", 1e-3, 0.0),
            ("Microdegree", 1e-6, 0.0),
            ("Nanodegree", 1e-9, 0.0),
            ("Radian", 180.0 / PI, 0.0),
            ("Deciradian", 18.0 / PI, 0.0),
            ("Centiradian", 1.8 / PI, 0.0),
            ("Milliradian", 0.18 / PI, 0.0),
            ("Microradian", 1.8e-4 / PI, 0.0),
            ("Nanoradian", 1.8e-7 / PI, 0.0),
            ("Gradian", 0.9, 0.0),
            ("Revolution", 360.0, 0.0),
            ("NatoMil", 360.0 / 6400.0, 0.0),
        ],
    },
    ConvertUnits {
        name: "convert_energy",
        kusto_units: &[
            "BritishThermalUnit",
            "Calorie",
            "DecathermEc",
            "DecathermImperial",
            "DecathermUs",
            "ElectronVolt",
            "Erg",
            "FootPound",
            "GigabritishThermalUnit",
            "GigaelectronVolt",
            "Gigajoule",
            "GigawattDay",
            "GigawattHour",
            "HorsepowerHour",
            "Joule",
            "KilobritishThermalUnit",
            "Kilocalorie",
            "KiloelectronVolt",
            "Kilojoule",
            "KilowattDay",
            "KilowattHour",
            "MegabritishThermalUnit",
            "Megacalorie",
            "MegaelectronVolt",
            "Megajoule",
            "MegawattDay",
            "MegawattHour",
            "Millijoule",
            "TeraelectronVolt",
            "TerawattDay",
            "TerawattHour",
            "ThermEc",
            "ThermImperial",
            "ThermUs",
            "WattDay",
            "WattHour",
        ],
        // Base: joule. The BTU is the International Table one the page's example shows.
        known: &[
            ("Joule", 1.0, 0.0),
            ("Millijoule", 1e-3, 0.0),
            ("Kilojoule", 1e3, 0.0),
            ("Megajoule", 1e6, 0.0),
            ("Gigajoule", 1e9, 0.0),
            ("Erg", 1e-7, 0.0),
            ("Calorie", 4.184, 0.0),
            ("Kilocalorie", 4184.0, 0.0),
            ("Megacalorie", 4.184e6, 0.0),
            ("WattHour", 3600.0, 0.0),
            ("KilowattHour", 3.6e6, 0.0),
            ("MegawattHour", 3.6e9, 0.0),
            ("GigawattHour", 3.6e12, 0.0),
            ("TerawattHour", 3.6e15, 0.0),
            ("WattDay", 86_400.0, 0.0),
            ("KilowattDay", 8.64e7, 0.0),
            ("MegawattDay", 8.64e10, 0.0),
            ("GigawattDay", 8.64e13, 0.0),
            ("TerawattDay", 8.64e16, 0.0),
            ("BritishThermalUnit", 1055.055_852_62, 0.0),
            ("KilobritishThermalUnit", 1055.055_852_62e3, 0.0),
            ("MegabritishThermalUnit", 1055.055_852_62e6, 0.0),
            ("GigabritishThermalUnit", 1055.055_852_62e9, 0.0),
        ],
    },
    ConvertUnits {
        name: "convert_force",
        kusto_units: &[
            "Decanewton",
            "Dyn",
            "KilogramForce",
            "Kilonewton",
            "KiloPond",
            "KilopoundForce",
            "Meganewton",
            "Micronewton",
            "Millinewton",
            "Newton",
            "OunceForce",
            "Poundal",
            "PoundForce",
            "ShortTonForce",
            "TonneForce",
        ],
        // Base: newton; standard gravity 9.80665 m/s² by definition.
        known: &[
            ("Newton", 1.0, 0.0),
            ("Micronewton", 1e-6, 0.0),
            ("Millinewton", 1e-3, 0.0),
            ("Decanewton", 10.0, 0.0),
            ("Kilonewton", 1e3, 0.0),
            ("Meganewton", 1e6, 0.0),
            ("Dyn", 1e-5, 0.0),
            ("KilogramForce", G0, 0.0),
            ("KiloPond", G0, 0.0),
            ("TonneForce", G0 * 1000.0, 0.0),
            ("PoundForce", LB * G0, 0.0),
            ("KilopoundForce", LB * G0 * 1000.0, 0.0),
            ("Poundal", LB * FT, 0.0),
        ],
    },
    ConvertUnits {
        name: "convert_length",
        kusto_units: &[
            "Angstrom",
            "AstronomicalUnit",
            "Centimeter",
            "Chain",
            "DataMile",
            "Decameter",
            "Decimeter",
            "DtpPica",
            "DtpPoint",
            "Fathom",
            "Foot",
            "Hand",
            "Hectometer",
            "Inch",
            "KilolightYear",
            "Kilometer",
            "Kiloparsec",
            "LightYear",
            "MegalightYear",
            "Megaparsec",
            "Meter",
            "Microinch",
            "Micrometer",
            "Mil",
            "Mile",
            "Millimeter",
            "Nanometer",
            "NauticalMile",
            "Parsec",
            "PrinterPica",
            "PrinterPoint",
            "Shackle",
            "SolarRadius",
            "Twip",
            "UsSurveyFoot",
            "Yard",
        ],
        // Base: meter. `Mile` changed between UnitsNet versions and stays refused, as do
        // the astronomical and typographic units.
        known: &[
            ("Meter", 1.0, 0.0),
            ("Nanometer", 1e-9, 0.0),
            ("Micrometer", 1e-6, 0.0),
            ("Millimeter", 1e-3, 0.0),
            ("Centimeter", 1e-2, 0.0),
            ("Decimeter", 0.1, 0.0),
            ("Decameter", 10.0, 0.0),
            ("Hectometer", 100.0, 0.0),
            ("Kilometer", 1e3, 0.0),
            ("Angstrom", 1e-10, 0.0),
            ("Foot", FT, 0.0),
            ("Inch", IN, 0.0),
            ("Yard", YD, 0.0),
            ("Mil", IN * 1e-3, 0.0),
            ("Microinch", IN * 1e-6, 0.0),
            ("Hand", IN * 4.0, 0.0),
            ("Fathom", YD * 2.0, 0.0),
            ("Chain", YD * 22.0, 0.0),
            ("Shackle", FT * 90.0, 0.0),
            ("NauticalMile", 1852.0, 0.0),
            ("UsSurveyFoot", 1200.0 / 3937.0, 0.0),
        ],
    },
    ConvertUnits {
        name: "convert_mass",
        kusto_units: &[
            "Centigram",
            "Decagram",
            "Decigram",
            "EarthMass",
            "Grain",
            "Gram",
            "Hectogram",
            "Kilogram",
            "Kilopound",
            "Kilotonne",
            "LongHundredweight",
            "LongTon",
            "Megapound",
            "Megatonne",
            "Microgram",
            "Milligram",
            "Nanogram",
            "Ounce",
            "Pound",
            "ShortHundredweight",
            "ShortTon",
            "Slug",
            "SolarMass",
            "Stone",
            "Tonne",
        ],
        // Base: kilogram; the international pound (0.45359237 kg, the page's example).
        known: &[
            ("Kilogram", 1.0, 0.0),
            ("Nanogram", 1e-12, 0.0),
            ("Microgram", 1e-9, 0.0),
            ("Milligram", 1e-6, 0.0),
            ("Centigram", 1e-5, 0.0),
            ("Decigram", 1e-4, 0.0),
            ("Gram", 1e-3, 0.0),
            ("Decagram", 1e-2, 0.0),
            ("Hectogram", 0.1, 0.0),
            ("Tonne", 1e3, 0.0),
            ("Kilotonne", 1e6, 0.0),
            ("Megatonne", 1e9, 0.0),
            ("Pound", LB, 0.0),
            ("Kilopound", LB * 1e3, 0.0),
            ("Megapound", LB * 1e6, 0.0),
        ],
    },
    ConvertUnits {
        name: "convert_speed",
        kusto_units: &[
            "CentimeterPerHour",
            "CentimeterPerMinute",
            "CentimeterPerSecond",
            "DecimeterPerMinute",
            "DecimeterPerSecond",
            "FootPerHour",
            "FootPerMinute",
            "FootPerSecond",
            "InchPerHour",
            "InchPerMinute",
            "InchPerSecond",
            "KilometerPerHour",
            "KilometerPerMinute",
            "KilometerPerSecond",
            "Knot",
            "MeterPerHour",
            "MeterPerMinute",
            "MeterPerSecond",
            "MicrometerPerMinute",
            "MicrometerPerSecond",
            "MilePerHour",
            "MillimeterPerHour",
            "MillimeterPerMinute",
            "MillimeterPerSecond",
            "NanometerPerMinute",
            "NanometerPerSecond",
            "UsSurveyFootPerHour",
            "UsSurveyFootPerMinute",
            "UsSurveyFootPerSecond",
            "YardPerHour",
            "YardPerMinute",
            "YardPerSecond",
        ],
        // Base: meter per second. `MilePerHour` follows the mile and stays refused.
        known: &[
            ("MeterPerSecond", 1.0, 0.0),
            ("MeterPerMinute", 1.0 / 60.0, 0.0),
            ("MeterPerHour", 1.0 / 3600.0, 0.0),
            ("NanometerPerSecond", 1e-9, 0.0),
            ("NanometerPerMinute", 1e-9 / 60.0, 0.0),
            ("MicrometerPerSecond", 1e-6, 0.0),
            ("MicrometerPerMinute", 1e-6 / 60.0, 0.0),
            ("MillimeterPerSecond", 1e-3, 0.0),
            ("MillimeterPerMinute", 1e-3 / 60.0, 0.0),
            ("MillimeterPerHour", 1e-3 / 3600.0, 0.0),
            ("CentimeterPerSecond", 1e-2, 0.0),
            ("CentimeterPerMinute", 1e-2 / 60.0, 0.0),
            ("CentimeterPerHour", 1e-2 / 3600.0, 0.0),
            ("DecimeterPerSecond", 0.1, 0.0),
            ("DecimeterPerMinute", 0.1 / 60.0, 0.0),
            ("KilometerPerSecond", 1e3, 0.0),
            ("KilometerPerMinute", 1e3 / 60.0, 0.0),
            ("KilometerPerHour", 1e3 / 3600.0, 0.0),
            ("FootPerSecond", FT, 0.0),
            ("FootPerMinute", FT / 60.0, 0.0),
            ("FootPerHour", FT / 3600.0, 0.0),
            ("InchPerSecond", IN, 0.0),
            ("InchPerMinute", IN / 60.0, 0.0),
            ("InchPerHour", IN / 3600.0, 0.0),
            ("YardPerSecond", YD, 0.0),
            ("YardPerMinute", YD / 60.0, 0.0),
            ("YardPerHour", YD / 3600.0, 0.0),
            ("Knot", 1852.0 / 3600.0, 0.0),
        ],
    },
    ConvertUnits {
        name: "convert_temperature",
        kusto_units: &[
            "DegreeCelsius",
            "DegreeDelisle",
            "DegreeFahrenheit",
            "DegreeNewton",
            "DegreeRankine",
            "DegreeReaumur",
            "DegreeRoemer",
            "Kelvin",
            "MillidegreeCelsius",
            "SolarTemperature",
        ],
        // Base: kelvin; the scales are affine.
        known: &[
            ("Kelvin", 1.0, 0.0),
            ("DegreeCelsius", 1.0, 273.15),
            ("MillidegreeCelsius", 1e-3, 273.15),
            ("DegreeFahrenheit", 5.0 / 9.0, 459.67 * 5.0 / 9.0),
            ("DegreeRankine", 5.0 / 9.0, 0.0),
        ],
    },
    ConvertUnits {
        name: "convert_volume",
        kusto_units: &[
            "AcreFoot",
            "AuTablespoon",
            "BoardFoot",
            "Centiliter",
            "CubicCentimeter",
            "CubicDecimeter",
            "CubicFoot",
            "CubicHectometer",
            "CubicInch",
            "CubicKilometer",
            "CubicMeter",
            "CubicMicrometer",
            "CubicMile",
            "CubicMillimeter",
            "CubicYard",
            "Decaliter",
            "DecausGallon",
            "Deciliter",
            "DeciusGallon",
            "HectocubicFoot",
            "HectocubicMeter",
            "Hectoliter",
            "HectousGallon",
            "ImperialBeerBarrel",
            "ImperialGallon",
            "ImperialOunce",
            "ImperialPint",
            "KilocubicFoot",
            "KilocubicMeter",
            "KiloimperialGallon",
            "Kiloliter",
            "KilousGallon",
            "Liter",
            "MegacubicFoot",
            "MegaimperialGallon",
            "Megaliter",
            "MegausGallon",
            "MetricCup",
            "MetricTeaspoon",
            "Microliter",
            "Milliliter",
            "OilBarrel",
            "UkTablespoon",
            "UsBeerBarrel",
            "UsCustomaryCup",
            "UsGallon",
            "UsLegalCup",
            "UsOunce",
            "UsPint",
            "UsQuart",
            "UsTablespoon",
            "UsTeaspoon",
        ],
        // Base: cubic meter. `AcreFoot` uses the factor of the page's example (1 m³ is
        // 0.000810714 acre-feet), not the exact 1233.48183754752 m³.
        known: &[
            ("CubicMeter", 1.0, 0.0),
            ("CubicMicrometer", 1e-18, 0.0),
            ("CubicMillimeter", 1e-9, 0.0),
            ("CubicCentimeter", 1e-6, 0.0),
            ("CubicDecimeter", 1e-3, 0.0),
            ("CubicHectometer", 1e6, 0.0),
            ("CubicKilometer", 1e9, 0.0),
            ("HectocubicMeter", 1e2, 0.0),
            ("KilocubicMeter", 1e3, 0.0),
            ("Microliter", 1e-9, 0.0),
            ("Milliliter", 1e-6, 0.0),
            ("Centiliter", 1e-5, 0.0),
            ("Deciliter", 1e-4, 0.0),
            ("Liter", 1e-3, 0.0),
            ("Decaliter", 1e-2, 0.0),
            ("Hectoliter", 0.1, 0.0),
            ("Kiloliter", 1.0, 0.0),
            ("Megaliter", 1e3, 0.0),
            ("CubicFoot", FT * FT * FT, 0.0),
            ("HectocubicFoot", FT * FT * FT * 1e2, 0.0),
            ("KilocubicFoot", FT * FT * FT * 1e3, 0.0),
            ("MegacubicFoot", FT * FT * FT * 1e6, 0.0),
            ("CubicInch", IN * IN * IN, 0.0),
            ("CubicYard", YD * YD * YD, 0.0),
            ("UsGallon", 3.785_411_784e-3, 0.0),
            ("DecausGallon", 3.785_411_784e-2, 0.0),
            ("DeciusGallon", 3.785_411_784e-4, 0.0),
            ("HectousGallon", 3.785_411_784e-1, 0.0),
            ("KilousGallon", 3.785_411_784, 0.0),
            ("MegausGallon", 3.785_411_784e3, 0.0),
            ("ImperialGallon", 4.546_09e-3, 0.0),
            ("KiloimperialGallon", 4.546_09, 0.0),
            ("MegaimperialGallon", 4.546_09e3, 0.0),
            ("AcreFoot", 1.0 / 0.000_810_714, 0.0),
        ],
    },
];

/// What a unit name means to one function.
enum Unit {
    /// Known: base = x * factor + offset.
    Known(f64, f64),
    /// Not one of Kusto's units: the result is null.
    Invalid,
}

impl ConvertUnits {
    /// The unit `name`, or a refusal for a unit Kusto has and hunt does not.
    fn unit(&self, name: &str) -> Result<Unit, FunctionError> {
        if let Some(&(_, f, o)) = self.known.iter().find(|(n, _, _)| *n == name) {
            return Ok(Unit::Known(f, o));
        }
        // A listed unit hunt lacks, or one spelled in another case (whether Kusto reads
        // it so the docs do not say): refused.
        if self
            .kusto_units
            .iter()
            .any(|u| u.eq_ignore_ascii_case(name))
        {
            return Err(FunctionError::Unsupported(format!(
                "`{}` with the unit `{name}` (its factor depends on the UnitsNet version Kusto ships)",
                self.name
            )));
        }
        Ok(Unit::Invalid)
    }
}

/// Row `i` of the real value argument.
fn real_at(a: &ArgValue, i: usize) -> Result<Option<f64>, FunctionError> {
    match a {
        ArgValue::Scalar(Scalar::Real(x)) => Ok(Some(*x)),
        ArgValue::Scalar(_) => Ok(None),
        ArgValue::Array(arr) => {
            let r = arr
                .as_any()
                .downcast_ref::<Float64Array>()
                .ok_or_else(|| FunctionError::Internal("a value column is not real".into()))?;
            Ok(r.is_valid(i).then(|| r.value(i)))
        }
    }
}

impl ScalarFunction for ConvertUnits {
    fn name(&self) -> &'static str {
        self.name
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        super::exact_arity(self.name, &args, 3, span)?;
        let mut it = args.into_iter();
        let (Some(value), Some(from), Some(to)) = (it.next(), it.next(), it.next()) else {
            return Err(PlanError::invalid(
                span,
                format!("`{}` takes 3 arguments", self.name),
            ));
        };
        let null = matches!(value.kind, ExprKind::Literal(Scalar::Null(_)));
        if !(value.ty.is_numeric() || null) {
            return Err(PlanError::ty(
                value.span,
                format!("`{}` needs a number, got {}", self.name, value.ty),
            ));
        }
        for u in [&from, &to] {
            if u.ty != KqlType::String {
                return Err(PlanError::ty(
                    u.span,
                    format!("`{}` needs a unit name (string), got {}", self.name, u.ty),
                ));
            }
            // A constant unit hunt refuses is refused before any row runs.
            if let ExprKind::Literal(Scalar::String(s)) = &u.kind
                && let Err(FunctionError::Unsupported(m)) = self.unit(s)
            {
                return Err(PlanError::unsupported(u.span, m));
            }
        }
        Ok((vec![cast_to(value, KqlType::Real), from, to], KqlType::Real))
    }
    fn invoke(&self, args: &[ArgValue], rows: usize) -> Result<ArgValue, FunctionError> {
        let [value, from, to] = args else {
            return Err(FunctionError::Internal(format!(
                "{} takes 3 arguments",
                self.name
            )));
        };
        let mut out = Vec::with_capacity(rows);
        for i in 0..rows {
            let (Some(x), Some(f), Some(t)) =
                (real_at(value, i)?, text_at(from, i)?, text_at(to, i)?)
            else {
                out.push(None);
                continue;
            };
            out.push(match (self.unit(f)?, self.unit(t)?) {
                (Unit::Known(ff, fo), Unit::Known(tf, to)) => Some((x * ff + fo - to) / tf),
                _ => None,
            });
        }
        Ok(ArgValue::Array(Arc::new(Float64Array::from(out))))
    }
}
