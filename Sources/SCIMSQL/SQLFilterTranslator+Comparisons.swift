package import SCIMCore

extension SQLFilterTranslator {
    mutating func comparison(_ attribute: ResolvedAttribute, _ op: ComparisonOperator, _ literal: ResolvedLiteral)
        throws(SCIMError) -> String
    {
        switch try source(attribute) {
        case .scalar(let expression, _):
            return compare(expression, op, literal)
        case .milliseconds(let column):
            return try compareInstant(column, op, literal)
        case .emailValues:
            let matching = "SELECT e.user_id FROM user_emails AS e WHERE e.team_id = \(team) AND "
            guard op == .ne else { return "u.id IN (\(matching)\(compare("e.value_key", op, literal)))" }
            let value = bind(sqlParameter(literal))
            return "(u.id IN (\(matching)e.value_key <> \(value)) OR u.id NOT IN "
                + "(SELECT e.user_id FROM user_emails AS e WHERE e.team_id = \(team)))"
        case .jsonArray(let keys, let sub):
            let alias = nextAlias()
            let elements = dialect.jsonElements("u.search_keys", keys, alias: alias)
            let element = jsonValue("\(alias).value", sub.map { [$0] } ?? [], attribute.type)
            guard op == .ne else { return "EXISTS (SELECT 1 FROM \(elements) WHERE \(compare(element, op, literal)))" }
            let value = bind(sqlParameter(literal))
            return "(EXISTS (SELECT 1 FROM \(elements) WHERE \(element) <> \(value)) OR NOT EXISTS "
                + "(SELECT 1 FROM \(elements) WHERE \(element) IS NOT NULL))"
        case .members(let sub):
            let member = try memberValue(sub)
            if member == "m.user_id", op == .eq || op == .sw {
                return "g.id IN (SELECT m.group_id FROM group_members AS m WHERE \(compare(member, op, literal)))"
            }
            guard op == .ne else { return memberExists(compare(member, op, literal)) }
            let value = bind(sqlParameter(literal))
            return "(\(memberExists("\(member) <> \(value)")) OR NOT EXISTS "
                + "(SELECT 1 FROM group_members AS m WHERE m.group_id = g.id))"
        case .object:
            throw .invalidFilter("'\(attribute.dottedName)' is a complex attribute; compare one of its sub-attributes.")
        }
    }

    mutating func valuePath(_ attribute: ResolvedAttribute, _ inner: ResolvedFilter) throws(SCIMError) -> String {
        switch try source(attribute) {
        case .jsonArray(let keys, _):
            if keys == ["emails"], case .comparison(let sub, let op, let literal) = inner, sub.name == "value",
                op != .ne
            {
                var flattened = attribute
                flattened.subAttribute = "value"
                return try comparison(flattened, op, literal)
            }
            let alias = nextAlias()
            let elements = dialect.jsonElements("u.search_keys", keys, alias: alias)
            let mapper = self
            let condition = try elementCondition(inner) { sub, type in
                mapper.jsonValue("\(alias).value", [sub], type)
            }
            let exists = "EXISTS (SELECT 1 FROM \(elements) WHERE \(condition))"
            // An inner filter that requires `value eq` or `value sw`, such as Entra's
            // `emails[type eq "work"].value eq "x"`, first narrows the users through the e-mail index.
            // The EXISTS still checks that one element satisfies the whole inner filter.
            guard keys == ["emails"], let (op, literal) = Self.requiredValueComparison(in: inner) else { return exists }
            var flattened = attribute
            flattened.subAttribute = "value"
            return "(\(try comparison(flattened, op, literal)) AND \(exists))"
        case .members:
            if case .comparison(let sub, let op, let literal) = inner, sub.name == "value", op == .eq || op == .sw {
                var flattened = attribute
                flattened.subAttribute = "value"
                return try comparison(flattened, op, literal)
            }
            let mapper = self
            let condition = try elementCondition(inner) { sub, _ throws(SCIMError) in try mapper.memberValue(sub) }
            // As for e-mails: a required `value eq` or `value sw` narrows the groups through the member index.
            guard let (op, literal) = Self.requiredValueComparison(in: inner) else { return memberExists(condition) }
            var flattened = attribute
            flattened.subAttribute = "value"
            return "(\(try comparison(flattened, op, literal)) AND \(memberExists(condition)))"
        case .object(let keys):
            let isObject = keys.map { dialect.jsonIsObject("u.search_keys", $0) } ?? dialect.trueCondition
            let condition = try condition(relativeTo: attribute, inner)
            return "(\(isObject) AND \(condition))"
        default:
            throw .invalidFilter("'\(attribute.dottedName)' cannot take a value filter.")
        }
    }

    /// Returns an `eq` or `sw` comparison on `value` that every element matching `filter` satisfies: one
    /// that `filter` is, or that one side of its top-level `and` chain requires.
    private static func requiredValueComparison(in filter: ResolvedFilter) -> (ComparisonOperator, ResolvedLiteral)? {
        switch filter {
        case .comparison(let sub, let op, let literal) where sub.name == "value" && (op == .eq || op == .sw):
            return (op, literal)
        case .and(let left, let right):
            return requiredValueComparison(in: left) ?? requiredValueComparison(in: right)
        default:
            return nil
        }
    }

    /// Translates the inner filter of a value path over a singular complex attribute, whose
    /// sub-attributes are scalars of the row.
    private mutating func condition(relativeTo parent: ResolvedAttribute, _ filter: ResolvedFilter)
        throws(SCIMError) -> String
    {
        let mapper = self
        return try elementCondition(filter) {
            (sub: String, type: SchemaAttribute.DataType) throws(SCIMError) -> String in
            var attribute = parent
            attribute.subAttribute = sub
            attribute.type = type
            guard case .scalar(let expression, _) = try mapper.source(attribute) else {
                throw .invalidFilter("'\(parent.name).\(sub)' cannot be used in a value filter.")
            }
            return expression
        } instant: { sub in
            var attribute = parent
            attribute.subAttribute = sub
            guard case .milliseconds(let column)? = try? mapper.source(attribute) else { return nil }
            return column
        }
    }

    /// Translates the inner filter of a value path, where `value(sub, type)` gives the SQL of one
    /// sub-attribute of the element and `instant(sub)` the millisecond column of a dateTime one.
    private mutating func elementCondition(
        _ filter: ResolvedFilter,
        value: (String, SchemaAttribute.DataType) throws(SCIMError) -> String,
        instant: (String) -> String? = { _ in nil }
    ) throws(SCIMError) -> String {
        switch filter {
        case .and(let left, let right):
            let leftSQL = try elementCondition(left, value: value, instant: instant)
            return "(\(leftSQL) AND \(try elementCondition(right, value: value, instant: instant)))"
        case .or(let left, let right):
            let leftSQL = try elementCondition(left, value: value, instant: instant)
            return "(\(leftSQL) OR \(try elementCondition(right, value: value, instant: instant)))"
        case .not(let inner):
            return "(NOT \(try elementCondition(inner, value: value, instant: instant)))"
        case .present(let attribute):
            if instant(attribute.name) != nil { return dialect.trueCondition }
            return scalarPresence(try value(attribute.name, attribute.type), attribute.type)
        case .comparison(let attribute, let op, let literal):
            if let column = instant(attribute.name) { return try compareInstant(column, op, literal) }
            return compare(try value(attribute.name, attribute.type), op, literal)
        case .valuePath:
            throw .invalidFilter("A value filter cannot be nested in another.")
        }
    }

    // MARK: - Scalars

    /// Compares one value that may be NULL (absent); `ne` holds for an absent value.
    mutating func compare(_ expression: String, _ op: ComparisonOperator, _ literal: ResolvedLiteral) -> String {
        let value = bind(sqlParameter(literal))
        let isText = if case .string = literal { true } else { false }
        let ordered = isText ? dialect.codePointOrder(expression) : expression
        switch op {
        case .eq: return "(\(expression) IS NOT NULL AND \(ordered) = \(value))"
        case .ne: return "(\(expression) IS NULL OR \(ordered) <> \(value))"
        case .co: return "(\(expression) IS NOT NULL AND \(dialect.contains(expression, value)))"
        case .ew: return "(\(expression) IS NOT NULL AND \(dialect.endsWith(expression, value)))"
        case .gt: return "(\(expression) IS NOT NULL AND \(ordered) > \(value))"
        case .ge: return "(\(expression) IS NOT NULL AND \(ordered) >= \(value))"
        case .lt: return "(\(expression) IS NOT NULL AND \(ordered) < \(value))"
        case .le: return "(\(expression) IS NOT NULL AND \(ordered) <= \(value))"
        case .sw, .pr:
            // A prefix is a range of code points, which an index on the column can serve.
            guard case .string(let prefix) = literal, let bound = Self.upperBound(ofPrefix: prefix) else {
                return "(\(expression) IS NOT NULL AND \(ordered) >= \(value))"
            }
            let upper = bind(.text(bound))
            return "(\(expression) IS NOT NULL AND \(ordered) >= \(value) AND \(ordered) < \(upper))"
        }
    }

    /// Compares a millisecond column with a dateTime literal, which may carry a finer fraction.
    mutating func compareInstant(_ column: String, _ op: ComparisonOperator, _ literal: ResolvedLiteral)
        throws(SCIMError) -> String
    {
        guard case .dateTime(let instant) = literal else {
            throw .invalidFilter("A dateTime attribute needs a dateTime value.")
        }
        let (milliseconds, isExact) = instant.milliseconds
        // An instant between two milliseconds equals no stored time, so eq and ne need no parameter.
        if !isExact, op == .eq || op == .ne { return op == .eq ? dialect.falseCondition : dialect.trueCondition }
        let value = bind(.integer(milliseconds))
        switch op {
        case .eq: return "\(column) = \(value)"
        case .ne: return "\(column) <> \(value)"
        case .gt: return "\(column) > \(value)"
        case .le: return "\(column) <= \(value)"
        case .ge: return isExact ? "\(column) >= \(value)" : "\(column) > \(value)"
        case .lt: return isExact ? "\(column) < \(value)" : "\(column) <= \(value)"
        default: throw .invalidFilter("The operator '\(op.rawValue)' cannot compare dateTime values.")
        }
    }

    func sqlParameter(_ literal: ResolvedLiteral) -> SQLParameter {
        switch literal {
        case .string(let text): .text(text)
        case .bool(let flag): .boolean(flag)
        case .integer(let number): .integer(number)
        case .decimal(let number): .decimal(number)
        case .dateTime(let instant): .integer(instant.milliseconds.value)
        }
    }

    /// Returns the smallest string greater than every string that starts with `prefix`, in code point
    /// order, or nil when there is none (the prefix is empty or all U+10FFFF).
    package static func upperBound(ofPrefix prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if next == 0xD800 { next = 0xE000 }
            if let scalar = Unicode.Scalar(next) {
                scalars.append(scalar)
                var result = String.UnicodeScalarView()
                result.append(contentsOf: scalars)
                return String(result)
            }
        }
        return nil
    }
}
