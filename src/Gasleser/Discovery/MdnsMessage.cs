using System;
using System.Collections.Generic;
using System.Text;
using Gasleser.Dependencies;
using Gasleser.Loading;

namespace Gasleser.Discovery
{
    /// <summary>
    /// The DNS messages of an mDNS browse (RFC 6762, RFC 1035 wire format).
    ///
    /// Reading an answer is the delicate part — compressed names, pointers, length-prefixed strings,
    /// addresses — and is done with DnsClient's DnsDatagramReader, in Gasleser.Dependencies (which loads
    /// DnsClient in the module's own load context). DnsClient keeps its message writer internal, so the one
    /// message this module sends, a single PTR question with no compression, is written here: a 12-byte header
    /// and one question.
    /// </summary>
    internal static class MdnsMessage
    {
        /// <summary>The "unicast response" bit of an mDNS question's class (RFC 6762 section 5.4).</summary>
        public const ushort UnicastResponseBit = 0x8000;

        /// <summary>The class of every question and record here: IN.</summary>
        private const ushort InternetClass = 1;

        /// <summary>A query with one PTR question for <paramref name="serviceType"/>, asking for a unicast answer.</summary>
        public static byte[] BuildPtrQuery(string serviceType, ushort id)
        {
            var message = new List<byte>(64);
            AddUInt16(message, id);
            AddUInt16(message, 0);  // flags: a standard query
            AddUInt16(message, 1);  // one question
            AddUInt16(message, 0);
            AddUInt16(message, 0);
            AddUInt16(message, 0);
            AddName(message, serviceType);
            AddUInt16(message, (ushort)DnsRecordType.PTR);
            AddUInt16(message, UnicastResponseBit | InternetClass);
            return message.ToArray();
        }

        /// <summary>
        /// Every record of an answer (answers, authority and additional sections), in order, read by DnsClient
        /// (through Gasleser.Dependencies). Records of types a browse does not use are skipped. Throws
        /// <see cref="FormatException"/> for a message that is not well-formed.
        /// </summary>
        public static DnsMessage Parse(byte[] buffer, int length) => PrivateDependencies.Use(() => DnsMessages.Read(buffer, length));

        /// <summary>A DNS name without its trailing root dot, for comparing: "_gasleser._tcp.local".</summary>
        public static string Trim(string name) => name.TrimEnd('.');

        private static void AddUInt16(List<byte> message, ushort value)
        {
            message.Add((byte)(value >> 8));
            message.Add((byte)value);
        }

        private static void AddName(List<byte> message, string name)
        {
            foreach (string label in Trim(name).Split('.'))
            {
                byte[] bytes = Encoding.UTF8.GetBytes(label);
                if (bytes.Length == 0 || bytes.Length > 63)
                {
                    throw new ArgumentException($"'{name}' has a label of {bytes.Length} bytes; DNS labels are 1 to 63.", nameof(name));
                }

                message.Add((byte)bytes.Length);
                message.AddRange(bytes);
            }

            message.Add(0);
        }
    }
}
