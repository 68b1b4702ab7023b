//! `Date`: a calendar day of the model, stored as Arrow `date32`.
//!
//! Its own file so that the leaf column builders ([`super::leaf`]) and the model
//! ([`super::model`]) can both use it without importing each other. Knows no XML and no Arrow.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date (`xs:date`); stored as Arrow `date32`.
///
/// Its serde form is the newtype struct [`DATE_NEWTYPE`] around the days since 1970-01-01 (an
/// `i32`, what `date32` holds, so no text is formatted and parsed back per date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// The serde newtype name of [`Date`].
pub const DATE_NEWTYPE: &str = "Date";

impl Date {
    /// Days since 1970-01-01 (Arrow `date32`); dates beyond `i32` days do not exist in `xs:date`
    /// text of four-digit years.
    pub fn days(&self) -> i32 {
        let days = self
            .0
            .signed_duration_since(NaiveDate::default())
            .num_days();
        days.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(DATE_NEWTYPE, &self.days())
    }
}

impl<'de> Deserialize<'de> for Date {
    /// Reads days since 1970-01-01 (Arrow `date32`) or `YYYY-MM-DD` text.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(DATE_NEWTYPE, DateVisitor)
    }
}

struct DateVisitor;

impl<'de> serde::de::Visitor<'de> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("days since 1970-01-01 or a YYYY-MM-DD date")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, inner: D) -> Result<Date, D::Error> {
        inner.deserialize_i32(self)
    }

    fn visit_i64<E: serde::de::Error>(self, days: i64) -> Result<Date, E> {
        chrono::TimeDelta::try_days(days)
            .and_then(|delta| NaiveDate::default().checked_add_signed(delta))
            .map(Date)
            .ok_or_else(|| E::custom(format!("date out of range: {days} days")))
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Date, E> {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Date)
            .map_err(E::custom)
    }
}
