/// A parsed SCIM filter expression (RFC 7644 §3.4.2.2).
package indirect enum Filter: Sendable, Equatable {
    /// `attrPath op value`, or `attrPath pr` when `value` is nil.
    case comparison(AttributePath, ComparisonOperator, FilterValue?)
    case and(Filter, Filter)
    case or(Filter, Filter)
    case not(Filter)
    /// `attrPath[filter]`: some value of a multi-valued attribute matches the inner filter.
    case valuePath(AttributePath, Filter)
}

/// An attribute reference: optional schema URN, attribute name and optional sub-attribute.
package struct AttributePath: Sendable, Equatable, CustomStringConvertible {
    package var schema: String?
    package var name: String
    package var subAttribute: String?

    package init(schema: String? = nil, name: String, subAttribute: String? = nil) {
        self.schema = schema
        self.name = name
        self.subAttribute = subAttribute
    }

    package var description: String {
        (schema.map { $0 + ":" } ?? "") + name + (subAttribute.map { "." + $0 } ?? "")
    }

    /// Whether this path names `name` (and `subAttribute`), compared without regard to case.
    package func matches(_ name: String, subAttribute: String? = nil) -> Bool {
        self.name.lowercased() == name.lowercased()
            && self.subAttribute?.lowercased() == subAttribute?.lowercased()
    }
}

/// The comparison operators of RFC 7644 §3.4.2.2, matched without regard to case.
package enum ComparisonOperator: String, Sendable, CaseIterable {
    case eq, ne, co, sw, ew, gt, lt, ge, le, pr
}

/// A literal in a filter.
package enum FilterValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case decimal(Double)
    case bool(Bool)
    case null
}
