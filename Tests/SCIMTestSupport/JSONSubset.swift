package import SCIMCore

/// Compares an expected JSON value with an actual one, where the expected value states only what
/// matters.
///
/// - An expected object matches an object that has every expected member with a matching value;
///   other members may be present. An expected `null` member matches a member that is absent or null.
/// - An expected array matches an array of the same length whose elements match the expected ones in
///   some order, each actual element used once, because members come back in storage order.
/// - Any other value must be equal. Member names are compared exactly.
package enum JSONSubset {
    /// Returns a description of every difference, each with its JSON path; empty when `actual` matches.
    package static func mismatches(expected: JSONValue, actual: JSONValue?, path: String = "$") -> [String] {
        switch expected {
        case .null:
            guard let actual, actual != .null else { return [] }
            return ["\(path): expected absent or null, found \(describe(actual))"]
        case .object(let object):
            guard let actualObject = actual?.objectValue else {
                return ["\(path): expected an object, found \(describe(actual))"]
            }
            return object.members.flatMap { member in
                mismatches(expected: member.value, actual: actualObject[member.key], path: "\(path).\(member.key)")
            }
        case .array(let items):
            guard let actualItems = actual?.arrayValue else {
                return ["\(path): expected an array, found \(describe(actual))"]
            }
            return arrayMismatches(items, actualItems, path: path)
        default:
            guard actual == expected else {
                return ["\(path): expected \(describe(expected)), found \(describe(actual))"]
            }
            return []
        }
    }

    private static func arrayMismatches(_ expected: [JSONValue], _ actual: [JSONValue], path: String) -> [String] {
        guard expected.count == actual.count else {
            return ["\(path): expected \(expected.count) elements, found \(actual.count): \(describe(.array(actual)))"]
        }
        var unused = Array(actual.indices)
        var problems: [String] = []
        for (index, item) in expected.enumerated() {
            let match = unused.firstIndex { mismatches(expected: item, actual: actual[$0]).isEmpty }
            if let match {
                unused.remove(at: match)
            } else {
                problems.append(
                    "\(path)[\(index)]: no element matches \(describe(item)) in \(describe(.array(actual)))")
            }
        }
        return problems
    }

    /// Returns `value` as compact JSON, or `<absent>`.
    package static func describe(_ value: JSONValue?) -> String {
        guard let value else { return "<absent>" }
        return String(decoding: JSONWriter.encode(value), as: UTF8.self)
    }
}
