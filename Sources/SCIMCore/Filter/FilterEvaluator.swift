/// Evaluates a filter against one resource held as JSON (RFC 7644 §3.4.2.2), with the meaning the
/// stores give it in SQL.
///
/// Strings compare by Unicode code point, folded with ``FilterResolver/fold(_:)`` unless the attribute
/// is `caseExact`. `dateTime` values compare as instants. A comparison on a multi-valued attribute holds
/// when any value satisfies it, and one on a multi-valued complex attribute without a sub-attribute
/// compares its `value`, except that `pr` checks whether the attribute itself has a value. `eq null`
/// holds when the attribute has no value and `ne null` when it has one (RFC 7643 §2.5).
package struct FilterEvaluator: Sendable {
    /// The schemas whose attributes the resource carries: the core schema first, then extensions.
    package let schemas: [Schema]

    package init(schemas: [Schema]) {
        self.schemas = schemas
    }

    /// Whether `resource` matches `filter`.
    /// - Throws: `invalidFilter` for an ordering comparison on a boolean or complex value.
    package func matches(_ filter: Filter, _ resource: JSONObject) throws(SCIMError) -> Bool {
        try evaluate(filter, in: resource, parent: nil)
    }

    private func evaluate(_ filter: Filter, in object: JSONObject, parent: SchemaAttribute?) throws(SCIMError) -> Bool {
        switch filter {
        case .and(let left, let right):
            guard try evaluate(left, in: object, parent: parent) else { return false }
            return try evaluate(right, in: object, parent: parent)
        case .or(let left, let right):
            if try evaluate(left, in: object, parent: parent) { return true }
            return try evaluate(right, in: object, parent: parent)
        case .not(let inner):
            return try !evaluate(inner, in: object, parent: parent)
        case .valuePath(let path, let inner):
            let (attribute, values) = lookup(path, in: object, parent: parent, implyingValue: false)
            for value in values {
                guard let element = value.objectValue else { continue }
                if try evaluate(inner, in: element, parent: attribute) { return true }
            }
            return false
        case .comparison(let path, let op, let literal):
            let (attribute, values) = lookup(path, in: object, parent: parent, implyingValue: op != .pr)
            if op == .pr { return values.contains { isPresent($0) } }
            if literal == nil || literal == .null {
                guard op == .eq || op == .ne else {
                    throw .invalidFilter("The operator '\(op.rawValue)' cannot compare with null.")
                }
                return values.contains { isPresent($0) } == (op == .ne)
            }
            let caseExact = attribute?.caseExact ?? false
            let type = attribute?.type ?? .string
            for value in values where try compare(value, op, literal ?? .null, caseExact: caseExact, type: type) {
                return true
            }
            // `ne` on an absent attribute holds: nothing equals the literal.
            return op == .ne && values.isEmpty
        }
    }

    /// Returns the attribute definition and the values a path reaches, flattened over multi-valued
    /// attributes; a multi-valued complex attribute without a sub-attribute yields its `value`s.
    private func lookup(
        _ path: AttributePath, in object: JSONObject, parent: SchemaAttribute?, implyingValue: Bool = true
    ) -> (SchemaAttribute?, [JSONValue]) {
        var container = object
        var definition: SchemaAttribute?
        if let parent {
            definition = parent.subAttribute(named: path.name)
        } else {
            let schema = schemaFor(path)
            definition = schema?.attribute(named: path.name)
            if let schema, schema.id != schemas.first?.id {
                container = object.value(forAttribute: schema.id)?.objectValue ?? JSONObject()
            }
        }
        let raw = container.value(forAttribute: path.name)
        var values = raw.map { $0.arrayValue ?? [$0] } ?? []
        var subName = path.subAttribute
        if implyingValue, subName == nil, definition?.type == .complex, definition?.multiValued == true {
            subName = "value"
        }
        if let subName {
            let subDefinition = definition?.subAttribute(named: subName)
            values = values.compactMap { $0.objectValue?.value(forAttribute: subName) }
            definition = subDefinition
        }
        return (definition, values.filter { $0 != .null })
    }

    private func schemaFor(_ path: AttributePath) -> Schema? {
        guard let urn = path.schema?.lowercased() else {
            return schemas.first { $0.attribute(named: path.name) != nil } ?? schemas.first
        }
        return schemas.first { $0.id.lowercased() == urn }
    }

    private func isPresent(_ value: JSONValue) -> Bool {
        switch value {
        case .null: false
        case .string(let text): !text.isEmpty
        case .array(let items): !items.isEmpty
        case .object(let object): !object.members.isEmpty
        default: true
        }
    }

    private func compare(
        _ value: JSONValue, _ op: ComparisonOperator, _ literal: FilterValue, caseExact: Bool,
        type: SchemaAttribute.DataType
    ) throws(SCIMError) -> Bool {
        switch (value, literal) {
        case (.string(let text), .string(let expected)):
            if type == .dateTime, let left = DateTimeValue.parse(text), let right = DateTimeValue.parse(expected) {
                return order(left.compare(right), op) ?? false
            }
            let left = Array((caseExact ? text : FilterResolver.fold(text)).unicodeScalars)
            let right = Array((caseExact ? expected : FilterResolver.fold(expected)).unicodeScalars)
            switch op {
            case .co: return right.isEmpty || left.indices.contains { left[$0...].starts(with: right) }
            case .sw: return left.starts(with: right)
            case .ew: return left.reversed().starts(with: right.reversed())
            default:
                let result = left.lexicographicallyPrecedes(right) ? -1 : (left == right ? 0 : 1)
                return order(result, op) ?? false
            }
        case (.bool(let flag), .bool(let expected)):
            guard op == .eq || op == .ne else {
                throw .invalidFilter("The operator '\(op.rawValue)' cannot compare booleans.")
            }
            return (flag == expected) == (op == .eq)
        case (.integer, .integer), (.integer, .decimal), (.decimal, .integer), (.decimal, .decimal):
            guard let left = number(value), let right = number(literal) else { return false }
            return order(left < right ? -1 : (left == right ? 0 : 1), op) ?? false
        case (_, .null):
            return op == .ne
        default:
            return op == .ne
        }
    }

    /// Applies an ordering or equality operator to a three-way comparison result; nil for `co`/`sw`/`ew`.
    private func order(_ result: Int, _ op: ComparisonOperator) -> Bool? {
        switch op {
        case .eq: result == 0
        case .ne: result != 0
        case .gt: result > 0
        case .ge: result >= 0
        case .lt: result < 0
        case .le: result <= 0
        default: nil
        }
    }

    private func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let integer): Double(integer)
        case .decimal(let decimal): decimal
        default: nil
        }
    }

    private func number(_ value: FilterValue) -> Double? {
        switch value {
        case .integer(let integer): Double(integer)
        case .decimal(let decimal): decimal
        default: nil
        }
    }
}
