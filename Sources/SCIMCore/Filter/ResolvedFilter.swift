/// A filter checked against the schemas of one resource type: every attribute is defined there, every
/// literal has its attribute's type, and strings of attributes that are not `caseExact` are folded.
///
/// Stores translate it to SQL; ``FilterResolver`` builds it.
package indirect enum ResolvedFilter: Sendable, Equatable {
    case and(ResolvedFilter, ResolvedFilter)
    case or(ResolvedFilter, ResolvedFilter)
    case not(ResolvedFilter)
    /// `attribute op literal`; the operator is never `pr`.
    case comparison(ResolvedAttribute, ComparisonOperator, ResolvedLiteral)
    /// `attribute pr`: the attribute has a non-empty value (RFC 7644 §3.4.2.2).
    case present(ResolvedAttribute)
    /// Some element of a complex attribute satisfies the inner filter, whose attributes are the
    /// element's sub-attributes (their `name` is the sub-attribute and `subAttribute` is nil).
    case valuePath(ResolvedAttribute, ResolvedFilter)
}

/// An attribute as the schema defines it, with canonical names.
package struct ResolvedAttribute: Sendable, Equatable {
    /// The URN of the schema that defines the attribute.
    package var schema: String
    package var name: String
    package var subAttribute: String?
    /// The type of the compared value: the sub-attribute's type when there is one.
    package var type: SchemaAttribute.DataType
    package var caseExact: Bool
    /// Whether the top-level attribute is multi-valued, so a comparison holds when any value satisfies it.
    package var multiValued: Bool
    /// Whether the schema is the resource's core schema rather than an extension.
    package var isCore: Bool

    package init(
        schema: String, name: String, subAttribute: String? = nil, type: SchemaAttribute.DataType,
        caseExact: Bool, multiValued: Bool, isCore: Bool
    ) {
        self.schema = schema
        self.name = name
        self.subAttribute = subAttribute
        self.type = type
        self.caseExact = caseExact
        self.multiValued = multiValued
        self.isCore = isCore
    }

    /// The attribute's dotted name without its schema, such as `emails.value`.
    package var dottedName: String {
        subAttribute.map { "\(name).\($0)" } ?? name
    }
}

/// A literal converted to its attribute's type.
package enum ResolvedLiteral: Sendable, Equatable {
    /// A string, already folded with ``FilterResolver/fold(_:)`` when the attribute is not `caseExact`.
    case string(String)
    case bool(Bool)
    case integer(Int64)
    case decimal(Double)
    case dateTime(DateTimeValue)
}

extension DateTimeValue {
    /// The instant in whole milliseconds, rounded down, and whether no fraction of a millisecond was lost.
    package var milliseconds: (value: Int64, isExact: Bool) {
        (seconds * 1000 + nanoseconds / 1_000_000, nanoseconds % 1_000_000 == 0)
    }
}
