/// A failure to prepare or drive the process under test, as opposed to a failed expectation.
package struct TestSetupError: Error, CustomStringConvertible {
    package let description: String

    package init(_ description: String) {
        self.description = description
    }
}
