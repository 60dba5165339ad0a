/// One attribute of a SCIM schema with the characteristics of RFC 7643 §2.2 and §7.
package struct SchemaAttribute: Sendable {
    /// The data types of RFC 7643 §2.3.
    package enum DataType: String, Sendable {
        case string, boolean, decimal, integer, dateTime, binary, reference, complex
    }

    /// When a client may write the attribute (RFC 7643 §7).
    package enum Mutability: String, Sendable {
        case readOnly, readWrite, immutable, writeOnly
    }

    /// When the attribute appears in a response (RFC 7643 §7).
    package enum Returned: String, Sendable {
        case always, never, `default`, request
    }

    /// Where the service provider keeps values unique (RFC 7643 §7).
    package enum Uniqueness: String, Sendable {
        case none, server, global
    }

    package var name: String
    package var type: DataType
    package var multiValued = false
    package var required = false
    package var caseExact = false
    package var mutability = Mutability.readWrite
    package var returned = Returned.default
    package var uniqueness = Uniqueness.none
    package var subAttributes: [SchemaAttribute] = []
    /// For references: the resource types (`User`, `Group`), `external` or `uri` (RFC 7643 §7).
    package var referenceTypes: [String] = []
    /// Values a client should use, such as `work` and `home` for `emails.type`.
    package var canonicalValues: [String] = []

    package init(
        _ name: String, _ type: DataType, multiValued: Bool = false, required: Bool = false, caseExact: Bool = false,
        mutability: Mutability = .readWrite, returned: Returned = .default, uniqueness: Uniqueness = .none,
        subAttributes: [SchemaAttribute] = [], referenceTypes: [String] = [], canonicalValues: [String] = []
    ) {
        self.name = name
        self.type = type
        self.multiValued = multiValued
        self.required = required
        self.caseExact = caseExact
        self.mutability = mutability
        self.returned = returned
        self.uniqueness = uniqueness
        self.subAttributes = subAttributes
        self.referenceTypes = referenceTypes
        self.canonicalValues = canonicalValues
    }

    /// Returns the sub-attribute with this name, compared without regard to case.
    package func subAttribute(named name: String) -> SchemaAttribute? {
        let lowered = name.lowercased()
        return subAttributes.first { $0.name.lowercased() == lowered }
    }
}

/// A schema: its URN and attributes.
package struct Schema: Sendable {
    package var id: String
    package var name: String
    package var attributes: [SchemaAttribute]

    /// Returns the attribute with this name, compared without regard to case.
    package func attribute(named name: String) -> SchemaAttribute? {
        let lowered = name.lowercased()
        return attributes.first { $0.name.lowercased() == lowered }
    }
}
