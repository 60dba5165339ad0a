import Glibc

extension HTTPServer {
    /// A socket address to listen on, resolved from a host and a port.
    struct ListenAddress {
        private var storage = sockaddr_storage()
        /// Whether the address is IPv6, which libmicrohttpd must be told with `MHD_USE_IPv6`.
        private(set) var isIPv6 = false

        /// Resolves `host` with `getaddrinfo` and keeps the first IPv4 or IPv6 result.
        init(host: String, port: Int) throws(HTTPServerError) {
            var hints = addrinfo()
            hints.ai_flags = AI_PASSIVE
            hints.ai_family = AF_UNSPEC
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var results: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &results) == 0, let results else {
                throw .invalidHost(host)
            }
            defer { freeaddrinfo(results) }

            var entry: UnsafeMutablePointer<addrinfo>? = results
            while let current = entry, !copy(current.pointee, port: UInt16(port)) {
                entry = current.pointee.ai_next
            }
            guard entry != nil else { throw .invalidHost(host) }
        }

        /// Calls `body` with a pointer to the address, valid only during the call.
        mutating func withSocketAddress<Result>(_ body: (UnsafePointer<sockaddr>) -> Result) -> Result {
            withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1, body)
            }
        }

        /// Copies an IPv4 or IPv6 result into `storage` with `port`. Returns false for other families.
        private mutating func copy(_ info: addrinfo, port: UInt16) -> Bool {
            guard let source = info.ai_addr else { return false }
            switch Int32(source.pointee.sa_family) {
            case AF_INET:
                var address = UnsafeRawPointer(source).load(as: sockaddr_in.self)
                address.sin_port = port.bigEndian
                store(address)
            case AF_INET6:
                var address = UnsafeRawPointer(source).load(as: sockaddr_in6.self)
                address.sin6_port = port.bigEndian
                store(address)
                isIPv6 = true
            default:
                return false
            }
            return true
        }

        private mutating func store<Address>(_ address: Address) {
            withUnsafeMutableBytes(of: &storage) { bytes in
                bytes.storeBytes(of: address, as: Address.self)
            }
        }
    }
}
