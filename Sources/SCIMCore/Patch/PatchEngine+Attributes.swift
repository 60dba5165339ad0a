extension PatchEngine {
    /// Applies one operation to an attribute kept in the document (`container` is the document or an
    /// extension's object).
    func applyToAttribute(
        _ kind: PatchRequest.Operation.Kind, _ target: Target, _ value: JSONValue?, _ container: inout JSONObject
    ) throws(SCIMError) {
        if target.filter != nil {
            try applyFiltered(kind, target, value, &container)
            return
        }
        let attribute = target.attribute
        if let sub = target.subAttribute {
            try applyToSubAttribute(kind, attribute, sub, value, &container)
            return
        }
        let checked = try value.map { (raw) throws(SCIMError) in
            try AttributeValidator.validate(raw, as: attribute, path: target.text)
        }
        if kind == .remove || checked == .null {
            if attribute.multiValued, kind == .remove, let checked, checked != .null {
                try removeListedValues(attribute, checked, &container)
            } else {
                container.remove(attribute.name)
            }
            return
        }
        guard let checked else { return }
        if attribute.multiValued {
            let current = container[attribute.name]?.arrayValue ?? []
            let incoming = checked.arrayValue ?? []
            let merged = kind == .add ? current + incoming.filter { !current.contains($0) } : incoming
            container.set(attribute.name, .array(try settlePrimary(merged, incoming: incoming, attribute)))
        } else if attribute.type == .complex, let object = checked.objectValue {
            var current = container[attribute.name]?.objectValue ?? JSONObject()
            for member in object.members { current.set(member.key, member.value) }
            container.set(attribute.name, .object(current.withoutNulls()))
        } else {
            container.set(attribute.name, checked)
        }
    }

    private func applyToSubAttribute(
        _ kind: PatchRequest.Operation.Kind, _ attribute: SchemaAttribute, _ sub: SchemaAttribute, _ value: JSONValue?,
        _ container: inout JSONObject
    ) throws(SCIMError) {
        let checked =
            kind == .remove
            ? JSONValue.null
            : try AttributeValidator.validate(value ?? .null, as: sub, path: "\(attribute.name).\(sub.name)")
        func update(_ object: JSONObject) -> JSONObject {
            var copy = object
            if checked == .null { copy.remove(sub.name) } else { copy.set(sub.name, checked) }
            return copy
        }
        if attribute.multiValued {
            let items = (container[attribute.name]?.arrayValue ?? []).map {
                JSONValue.object(update($0.objectValue ?? JSONObject()))
            }
            container.set(attribute.name, .array(items))
            return
        }
        let updated = update(container[attribute.name]?.objectValue ?? JSONObject())
        if updated.members.isEmpty {
            container.remove(attribute.name)
        } else {
            container.set(attribute.name, .object(updated))
        }
    }

    /// Removes the values a `remove` lists in its `value` (Entra ID and JumpCloud remove members so),
    /// matched by their `value` sub-attribute, or whole for simple multi-valued attributes.
    private func removeListedValues(_ attribute: SchemaAttribute, _ listed: JSONValue, _ container: inout JSONObject)
        throws(SCIMError)
    {
        let keys = (listed.arrayValue ?? [listed]).map { $0.objectValue?["value"] ?? $0 }
        let remaining = (container[attribute.name]?.arrayValue ?? []).filter { item in
            !keys.contains(item.objectValue?["value"] ?? item)
        }
        if remaining.isEmpty {
            container.remove(attribute.name)
        } else {
            container.set(attribute.name, .array(remaining))
        }
    }

    /// Keeps at most one value with `primary: true` (RFC 7643 §2.4): a newly sent primary wins over
    /// stored ones; two primaries in one request are an error.
    private func settlePrimary(_ items: [JSONValue], incoming: [JSONValue], _ attribute: SchemaAttribute)
        throws(SCIMError) -> [JSONValue]
    {
        guard attribute.subAttribute(named: "primary") != nil else { return items }
        let isPrimary: (JSONValue) -> Bool = { $0.objectValue?["primary"] == .bool(true) }
        let newPrimaries = incoming.filter(isPrimary)
        guard newPrimaries.count <= 1 else {
            throw .invalidValue("At most one value of '\(attribute.name)' may be primary.")
        }
        guard let winner = newPrimaries.first else { return items }
        var seenWinner = false
        return items.map { item in
            guard isPrimary(item) else { return item }
            if item == winner, !seenWinner {
                seenWinner = true
                return item
            }
            var object = item.objectValue ?? JSONObject()
            object.set("primary", .bool(false))
            return .object(object)
        }
    }

    /// Applies an operation whose path selects values with a filter, such as `emails[type eq "work"].value`.
    private func applyFiltered(
        _ kind: PatchRequest.Operation.Kind, _ target: Target, _ value: JSONValue?, _ container: inout JSONObject
    ) throws(SCIMError) {
        guard let filter = target.filter else { return }
        let attribute = target.attribute
        let evaluator = FilterEvaluator(schemas: [
            Schema(id: "", name: attribute.name, attributes: attribute.subAttributes)
        ])
        var items = container[attribute.name]?.arrayValue ?? []
        var matched: [Int] = []
        for (index, item) in items.enumerated() {
            if let object = item.objectValue, try evaluator.matches(filter, object) { matched.append(index) }
        }
        if matched.isEmpty {
            guard kind != .remove else {
                if tolerant { return }
                throw .noTarget("No value of '\(attribute.name)' matches the path '\(target.text)'.")
            }
            guard tolerant || kind == .add else {
                throw .noTarget("No value of '\(attribute.name)' matches the path '\(target.text)'.")
            }
            items.append(.object(filter.equalityConditions()))
            matched = [items.count - 1]
        }
        for index in matched.reversed() {
            items[index] = try updatedElement(kind, target, value, items[index])
        }
        items.removeAll { $0 == .null }
        if items.isEmpty { container.remove(attribute.name) } else { container.set(attribute.name, .array(items)) }
    }

    private func updatedElement(
        _ kind: PatchRequest.Operation.Kind, _ target: Target, _ value: JSONValue?, _ element: JSONValue
    ) throws(SCIMError) -> JSONValue {
        var object = element.objectValue ?? JSONObject()
        if let sub = target.filterSubAttribute {
            if kind == .remove {
                object.remove(sub.name)
            } else {
                let checked = try AttributeValidator.validate(value ?? .null, as: sub, path: target.text)
                if checked == .null { object.remove(sub.name) } else { object.set(sub.name, checked) }
            }
            return .object(object)
        }
        if kind == .remove { return .null }
        let single = SchemaAttribute(target.attribute.name, .complex, subAttributes: target.attribute.subAttributes)
        guard
            let replacement = try AttributeValidator.validate(value ?? .null, as: single, path: target.text).objectValue
        else { throw .invalidValue("The value for '\(target.text)' must be an object.") }
        if kind == .replace { object = JSONObject() }
        for member in replacement.members { object.set(member.key, member.value) }
        return .object(object)
    }

    /// Applies an operation to a collection stored outside the document.
    func applyToCollection(
        _ kind: PatchRequest.Operation.Kind, _ target: Target, _ value: JSONValue?, _ rows: inout any PatchCollection
    ) throws(SCIMError) {
        if let sub = target.subAttribute ?? target.filterSubAttribute {
            // RFC 7643 §4.2: the sub-attributes of a group's members are immutable.
            guard sub.mutability != .immutable else {
                throw .mutability(
                    "'\(target.attribute.name).\(sub.name)' is immutable. Remove the value and add it again instead.")
            }
            // No collection has mutable sub-attributes today, so such a path is rejected, never half applied.
            throw .invalidPath(
                "'\(target.text)' changes part of a value of '\(target.attribute.name)', which is not supported.")
        }
        switch (kind, target.filter) {
        case (.remove, let filter?):
            let removed = try rows.remove(matching: filter)
            if removed == 0, !tolerant {
                throw .noTarget("No value of '\(target.attribute.name)' matches the path '\(target.text)'.")
            }
        case (.remove, nil):
            if let value, value != .null {
                let keys = (value.arrayValue ?? [value]).compactMap {
                    $0.objectValue?["value"]?.stringValue ?? $0.stringValue
                }
                _ = try rows.remove(values: keys)
            } else {
                _ = try rows.remove(matching: nil)
            }
        case (.add, nil):
            try rows.add(try collectionValues(target, value))
        case (.replace, nil):
            try rows.replaceAll(try collectionValues(target, value))
        case (_, let filter?):
            let removed = try rows.remove(matching: filter)
            if removed == 0, !tolerant {
                throw .noTarget("No value of '\(target.attribute.name)' matches the path '\(target.text)'.")
            }
            try rows.add(try collectionValues(target, value))
        }
    }

    private func collectionValues(_ target: Target, _ value: JSONValue?) throws(SCIMError) -> [JSONObject] {
        let checked = try AttributeValidator.validate(value ?? .array([]), as: target.attribute, path: target.text)
        var objects: [JSONObject] = []
        for item in checked.arrayValue ?? [] {
            guard let object = item.objectValue, object["value"]?.stringValue != nil else {
                throw .invalidValue("Each value of '\(target.attribute.name)' needs a 'value' string.")
            }
            objects.append(object.withoutNulls())
        }
        return objects
    }
}

extension JSONObject {
    /// Removes the member with this exact key, if present.
    package mutating func remove(_ key: String) {
        members.removeAll { $0.key == key }
    }

    /// Returns the object without members whose value is null.
    package func withoutNulls() -> JSONObject {
        JSONObject(members.filter { $0.value != .null })
    }
}

extension Filter {
    /// Returns the `attribute eq value` comparisons of an `and` chain as an object, the value a
    /// filtered `replace` creates when nothing matches (`emails[type eq "work"]` gives `{"type":"work"}`).
    func equalityConditions() -> JSONObject {
        switch self {
        case .and(let left, let right):
            var object = left.equalityConditions()
            for member in right.equalityConditions().members { object.set(member.key, member.value) }
            return object
        case .comparison(let path, .eq, let value?) where path.subAttribute == nil:
            switch value {
            case .string(let text): return JSONObject([(path.name, .string(text))])
            case .bool(let flag): return JSONObject([(path.name, .bool(flag))])
            case .integer(let number): return JSONObject([(path.name, .integer(number))])
            default: return JSONObject()
            }
        default:
            return JSONObject()
        }
    }
}
