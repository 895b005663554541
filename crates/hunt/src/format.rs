//! Value formatting (being written).
