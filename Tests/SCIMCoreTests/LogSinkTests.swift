import Foundation
import SCIMCore
import SCIMTestSupport
import Testing

/// The sink that the server writes its log with, pointed at a temporary file instead of standard error.
struct LogSinkTests {
    /// A temporary file that a sink writes to, and its text.
    private final class LogFile {
        let path: String
        let descriptor: Int32

        init() throws {
            var template = Array((NSTemporaryDirectory() + "/scimd-log-sink-XXXXXX").utf8CString)
            descriptor = mkstemp(&template)
            guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
            path = String(cString: template)
        }

        var lines: [String] {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }

        deinit {
            close(descriptor)
            unlink(path)
        }
    }

    private static func line(_ text: String) -> [UInt8] {
        Array((text + "\n").utf8)
    }

    @Test("Info lines arrive in order")
    func infoLinesArriveInOrder() throws {
        let file = try LogFile()
        let sink = StandardErrorSink(fileDescriptor: file.descriptor)

        for number in 1...3 { sink.write(bytes: Self.line("info \(number)"), level: .info) }

        #expect(Deadline(after: .seconds(5)).poll { file.lines.count == 3 })
        #expect(file.lines == ["info 1", "info 2", "info 3"])
    }

    @Test("Warning follows earlier lines")
    func warningFollowsEarlierLines() throws {
        let file = try LogFile()
        let sink = StandardErrorSink(fileDescriptor: file.descriptor)

        sink.write(bytes: Self.line("info 1"), level: .info)
        sink.write(bytes: Self.line("debug 2"), level: .debug)
        sink.write(bytes: Self.line("warning 3"), level: .warning)

        #expect(Deadline(after: .seconds(5)).poll { file.lines.count == 3 })
        #expect(file.lines == ["info 1", "debug 2", "warning 3"])
    }

    @Test("Flush writes waiting lines")
    func flushWritesWaitingLines() throws {
        let file = try LogFile()
        let sink = StandardErrorSink(fileDescriptor: file.descriptor)

        for number in 1...50 { sink.write(bytes: Self.line("info \(number)"), level: .info) }
        sink.flush()

        #expect(file.lines == (1...50).map { "info \($0)" })
    }

    @Test("Concurrent lines stay whole")
    func concurrentLinesStayWhole() async throws {
        let file = try LogFile()
        let sink = StandardErrorSink(fileDescriptor: file.descriptor)
        let threads = 8
        let linesPerThread = 2_000

        await withTaskGroup(of: Void.self) { group in
            for thread in 0..<threads {
                group.addTask {
                    for number in 0..<linesPerThread {
                        let level: Logger.Level = number % 97 == 0 ? .error : .info
                        let text = "thread \(thread) line \(number) " + String(repeating: "x", count: 80)
                        sink.write(bytes: Self.line(text), level: level)
                    }
                }
            }
        }
        sink.flush()

        let lines = file.lines
        #expect(lines.count == threads * linesPerThread)
        #expect(Set(lines).count == threads * linesPerThread)
        #expect(lines.allSatisfy { $0.hasPrefix("thread ") })
        #expect(lines.allSatisfy { $0.hasSuffix(String(repeating: "x", count: 80)) })
        for thread in 0..<threads {
            let numbers = lines.filter { $0.hasPrefix("thread \(thread) ") }.map { $0.split(separator: " ")[3] }
            #expect(numbers == (0..<linesPerThread).map { Substring(String($0)) }, "thread \(thread) out of order")
        }
    }

    @Test("Released sink writes waiting lines")
    func releasedSinkWritesWaitingLines() throws {
        let file = try LogFile()
        var sink: StandardErrorSink? = StandardErrorSink(fileDescriptor: file.descriptor)

        sink?.write(bytes: Self.line("info last"), level: .info)
        sink = nil

        #expect(file.lines == ["info last"])
    }
}
