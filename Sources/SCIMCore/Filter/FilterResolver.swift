/// Checks a parsed filter against the schemas of one resource type and converts its literals
/// (RFC 7644 §3.4.2.2), so that every store evaluates the same meaning.
///
/// Where the RFC leaves a choice, these rules apply. An attribute the schemas do not define, or one
/// scimd cannot evaluate (``unfilterable``), is an error. `eq null` means "not present" and `ne null`
/// "present", because RFC 7643 §2.5 makes null and unassigned the same. A literal of another type than
/// the attribute, an ordering operator on a boolean or binary value, and `co`, `sw` or `ew` on anything
/// but a string are errors too, because RFC 7644 §3.12 gives `invalidFilter` to "the specified attribute
/// and filter comparison combination is not supported".
package struct FilterResolver: Sendable {
    /// The resource's schemas: the core schema first, then extensions.
    package let schemas: [Schema]
    /// Lowercased attribute names (`password`) or dotted sub-attribute names (`meta.location`) that
    /// cannot appear in a filter or `sortBy`, each with the reason given to the client.
    package let unfilterable: [String: String]

    package init(schemas: [Schema], unfilterable: [String: String] = [:]) {
        self.schemas = schemas
        self.unfilterable = unfilterable
    }

    /// The resolver for User filters.
    package static let users = FilterResolver(
        schemas: [.user, .enterpriseUser],
        unfilterable: [
            "password": "scimd does not store passwords.",
            "groups": "scimd does not return a user's groups; filter Groups by members.value instead.",
            "meta.location": "filter by 'id' instead of 'meta.location'.",
        ])

    /// The resolver for Group filters.
    package static let groups = FilterResolver(
        schemas: [.group],
        unfilterable: [
            "members.$ref": "filter by 'members.value' instead of 'members.$ref'.",
            "meta.location": "filter by 'id' instead of 'meta.location'.",
        ])

    /// Folds a string for comparisons that ignore case, as every store and the evaluator do.
    package static func fold(_ text: String) -> String {
        text.lowercased()
    }

    /// Checks `filter` and returns its resolved form.
    /// - Throws: `invalidFilter` naming the attribute or comparison that is not accepted.
    package func resolve(_ filter: Filter) throws(SCIMError) -> ResolvedFilter {
        do {
            return try resolve(filter, parent: nil)
        } catch {
            throw .invalidFilter("Invalid filter: \(error.detail)")
        }
    }

    /// Finds the attribute a `sortBy` names (RFC 7644 §3.4.2.3): a multi-valued complex attribute
    /// sorts by its `value`, and a singular complex attribute needs a sub-attribute.
    /// - Throws: `invalidValue` for an attribute the schemas do not define or that cannot be sorted.
    package func sortAttribute(_ path: AttributePath) throws(SCIMError) -> ResolvedAttribute {
        var resolved: ResolvedAttribute
        do {
            resolved = try attribute(path, parent: nil)
        } catch {
            throw .invalidValue("Invalid sortBy: \(error.detail)")
        }
        if resolved.type == .complex, resolved.multiValued, resolved.subAttribute == nil,
            let value = definition(of: resolved)?.subAttribute(named: "value")
        {
            resolved.subAttribute = value.name
            resolved.type = value.type
            resolved.caseExact = value.caseExact
        }
        guard resolved.type != .complex else {
            throw .invalidValue("Invalid sortBy: '\(path)' is a complex attribute; name one of its sub-attributes.")
        }
        return resolved
    }

    private func resolve(_ filter: Filter, parent: ResolvedAttribute?) throws(SCIMError) -> ResolvedFilter {
        switch filter {
        case .and(let left, let right):
            return .and(try resolve(left, parent: parent), try resolve(right, parent: parent))
        case .or(let left, let right):
            return .or(try resolve(left, parent: parent), try resolve(right, parent: parent))
        case .not(let inner):
            return .not(try resolve(inner, parent: parent))
        case .valuePath(let path, let inner):
            guard parent == nil else { throw .invalidFilter("a value filter cannot be nested in another.") }
            let attribute = try attribute(path, parent: nil)
            guard attribute.type == .complex, attribute.subAttribute == nil else {
                throw .invalidFilter("'\(path)' is not a complex attribute, so it cannot take a value filter.")
            }
            return .valuePath(attribute, try resolve(inner, parent: attribute))
        case .comparison(let path, let op, let literal):
            return try resolveComparison(path, op, literal, parent: parent)
        }
    }

    /// Resolves one comparison. A nil literal with an operator other than `pr` stands for `null`.
    private func resolveComparison(
        _ path: AttributePath, _ op: ComparisonOperator, _ literal: FilterValue?, parent: ResolvedAttribute?
    ) throws(SCIMError) -> ResolvedFilter {
        var attribute = try attribute(path, parent: parent)
        if attribute.type == .complex {
            if op == .pr { return .present(attribute) }
            // RFC 7644 §3.4.2.2 compares a multi-valued complex attribute by its `value` sub-attribute.
            guard attribute.multiValued, attribute.subAttribute == nil, parent == nil,
                let value = definition(of: attribute)?.subAttribute(named: "value")
            else {
                throw .invalidFilter("'\(path)' is a complex attribute; compare one of its sub-attributes.")
            }
            attribute.subAttribute = value.name
            attribute.type = value.type
            attribute.caseExact = value.caseExact
        }
        if op == .pr { return .present(attribute) }
        guard let literal, literal != .null else {
            switch op {
            case .eq: return .not(.present(attribute))
            case .ne: return .present(attribute)
            default: throw .invalidFilter("the operator '\(op.rawValue)' cannot compare with null.")
            }
        }
        return .comparison(attribute, op, try convert(literal, for: attribute, op: op, path: path))
    }

    private func convert(
        _ literal: FilterValue, for attribute: ResolvedAttribute, op: ComparisonOperator, path: AttributePath
    ) throws(SCIMError) -> ResolvedLiteral {
        let ordering: Set<ComparisonOperator> = [.gt, .ge, .lt, .le]
        let substring: Set<ComparisonOperator> = [.co, .sw, .ew]
        switch (attribute.type, literal) {
        case (.boolean, .bool(let flag)) where op == .eq || op == .ne:
            return .bool(flag)
        case (.binary, .string(let text)) where !ordering.contains(op),
            (.string, .string(let text)), (.reference, .string(let text)):
            return .string(attribute.caseExact ? text : Self.fold(text))
        case (.dateTime, .string(let text)) where !substring.contains(op):
            guard let instant = DateTimeValue.parse(text) else {
                throw .invalidFilter("'\(path)' is a dateTime, and '\(text.prefix(60))' is not one.")
            }
            return .dateTime(instant)
        case (.integer, .integer(let number)) where !substring.contains(op):
            return .integer(number)
        case (.decimal, .integer(let number)) where !substring.contains(op):
            return .decimal(Double(number))
        case (.decimal, .decimal(let number)) where !substring.contains(op):
            return .decimal(number)
        default:
            throw .invalidFilter(
                "the operator '\(op.rawValue)' cannot compare '\(path)', \(article(attribute.type)) "
                    + "\(attribute.type.rawValue), with \(describe(literal)).")
        }
    }

    private func attribute(_ path: AttributePath, parent: ResolvedAttribute?) throws(SCIMError) -> ResolvedAttribute {
        if let parent {
            guard path.schema == nil, path.subAttribute == nil,
                let sub = definition(of: parent)?.subAttribute(named: path.name)
            else {
                throw .invalidFilter("'\(parent.name)' has no sub-attribute '\(path)'.")
            }
            try checkFilterable("\(parent.name).\(sub.name)", path: path)
            return ResolvedAttribute(
                schema: parent.schema, name: sub.name, type: sub.type, caseExact: sub.caseExact,
                multiValued: false, isCore: parent.isCore)
        }
        let schema = try schema(for: path)
        guard let top = schema.attribute(named: path.name) else {
            throw .invalidFilter("'\(path)' is not an attribute of the \(schema.name) schema.")
        }
        try checkFilterable(top.name, path: path)
        var resolved = ResolvedAttribute(
            schema: schema.id, name: top.name, type: top.type, caseExact: top.caseExact,
            multiValued: top.multiValued, isCore: schema.id == schemas.first?.id)
        guard let subName = path.subAttribute else { return resolved }
        guard let sub = top.subAttribute(named: subName) else {
            throw .invalidFilter("'\(top.name)' has no sub-attribute '\(subName)'.")
        }
        try checkFilterable("\(top.name).\(sub.name)", path: path)
        resolved.subAttribute = sub.name
        resolved.type = sub.type
        resolved.caseExact = sub.caseExact
        return resolved
    }

    private func schema(for path: AttributePath) throws(SCIMError) -> Schema {
        guard let urn = path.schema else {
            return schemas.first { $0.attribute(named: path.name) != nil } ?? schemas[0]
        }
        guard let schema = schemas.first(where: { $0.id.lowercased() == urn.lowercased() }) else {
            throw .invalidFilter("'\(urn)' is not a schema of this resource type.")
        }
        return schema
    }

    private func definition(of attribute: ResolvedAttribute) -> SchemaAttribute? {
        schemas.first { $0.id == attribute.schema }?.attribute(named: attribute.name)
    }

    private func checkFilterable(_ name: String, path: AttributePath) throws(SCIMError) {
        let lowered = name.lowercased()
        let top = String(lowered.prefix { $0 != "." })
        guard let reason = unfilterable[lowered] ?? unfilterable[top] else { return }
        throw .invalidFilter("'\(path)' cannot be filtered or sorted by: \(reason)")
    }

    private func describe(_ literal: FilterValue) -> String {
        switch literal {
        case .string: "a string"
        case .integer, .decimal: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }

    private func article(_ type: SchemaAttribute.DataType) -> String {
        [.integer, .complex].contains(type) ? "an" : "a"
    }
}
