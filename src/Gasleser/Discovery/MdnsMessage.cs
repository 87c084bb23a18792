using System;
using System.Collections.Generic;
using System.Text;
using DnsClient;
using DnsClient.Protocol;

namespace Gasleser.Discovery
{
    /// <summary>
    /// The DNS messages of an mDNS browse (RFC 6762, RFC 1035 wire format).
    ///
    /// Reading an answer is the delicate part — compressed names, pointers, length-prefixed strings,
    /// addresses — and is done with DnsClient's <see cref="DnsDatagramReader"/> into DnsClient's own
    /// record types. DnsClient keeps its message writer internal, so the one message this module sends,
    /// a single PTR question with no compression, is written here: a 12-byte header and one question.
    /// </summary>
    internal static class MdnsMessage
    {
        /// <summary>The "unicast response" bit of an mDNS question's class (RFC 6762 section 5.4).</summary>
        public const ushort UnicastResponseBit = 0x8000;

        /// <summary>The "cache flush" bit of an mDNS record's class (RFC 6762 section 10.2).</summary>
        public const ushort CacheFlushBit = 0x8000;

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
            AddUInt16(message, (ushort)ResourceRecordType.PTR);
            AddUInt16(message, (ushort)(UnicastResponseBit | (ushort)QueryClass.IN));
            return message.ToArray();
        }

        /// <summary>
        /// Every record of an answer (answers, authority and additional sections), in order.
        /// Records of types a browse does not use are skipped. Throws <see cref="FormatException"/> for a
        /// message that is not well-formed.
        /// </summary>
        public static MdnsAnswer Parse(byte[] buffer, int length)
        {
            try
            {
                return ParseCore(buffer, length);
            }
            catch (Exception ex) when (ex is not FormatException)
            {
                throw new FormatException("not a well-formed DNS message: " + ex.Message, ex);
            }
        }

        private static MdnsAnswer ParseCore(byte[] buffer, int length)
        {
            if (length < 12)
            {
                throw new FormatException($"{length} bytes is shorter than a DNS header");
            }

            var reader = new DnsDatagramReader(new ArraySegment<byte>(buffer, 0, length));
            ushort id = reader.ReadUInt16NetworkOrder();
            ushort flags = reader.ReadUInt16NetworkOrder();
            int questions = reader.ReadUInt16NetworkOrder();
            int records = reader.ReadUInt16NetworkOrder() + reader.ReadUInt16NetworkOrder() + reader.ReadUInt16NetworkOrder();

            var questionNames = new List<(string Name, ResourceRecordType Type)>();
            for (int i = 0; i < questions; i++)
            {
                DnsString name = reader.ReadQuestionQueryString();
                var type = (ResourceRecordType)reader.ReadUInt16NetworkOrder();
                reader.ReadUInt16NetworkOrder(); // class
                questionNames.Add((Trim(name.Value), type));
            }

            var parsed = new List<DnsResourceRecord>();
            for (int i = 0; i < records; i++)
            {
                DnsString name = reader.ReadDnsName();
                var type = (ResourceRecordType)reader.ReadUInt16NetworkOrder();
                var recordClass = (QueryClass)(reader.ReadUInt16NetworkOrder() & ~CacheFlushBit);
                int ttl = (int)Math.Min(reader.ReadUInt32NetworkOrder(), int.MaxValue);
                int dataLength = reader.ReadUInt16NetworkOrder();
                int dataStart = reader.Index;
                if (dataStart + dataLength > length)
                {
                    throw new FormatException($"a record's data runs {dataStart + dataLength - length} bytes past the end of the message");
                }

                var info = new ResourceRecordInfo(name, type, recordClass, ttl, dataLength);
                DnsResourceRecord? record = type switch
                {
                    ResourceRecordType.PTR => new PtrRecord(info, reader.ReadDnsName()),
                    ResourceRecordType.SRV => new SrvRecord(info, reader.ReadUInt16NetworkOrder(), reader.ReadUInt16NetworkOrder(), reader.ReadUInt16NetworkOrder(), reader.ReadDnsName()),
                    ResourceRecordType.TXT => ReadTxt(reader, info, dataStart + dataLength),
                    ResourceRecordType.A when dataLength == 4 => new ARecord(info, reader.ReadIPAddress()),
                    ResourceRecordType.AAAA when dataLength == 16 => new AaaaRecord(info, reader.ReadIPv6Address()),
                    _ => null,
                };

                int consumed = reader.Index - dataStart;
                if (record == null)
                {
                    reader.Advance(dataLength);
                }
                else if (consumed != dataLength)
                {
                    throw new FormatException($"a {type} record declared {dataLength} bytes of data but held {consumed}");
                }
                else
                {
                    parsed.Add(record);
                }
            }

            return new MdnsAnswer(id, (flags & 0x8000) != 0, questionNames, parsed);
        }

        private static TxtRecord ReadTxt(DnsDatagramReader reader, ResourceRecordInfo info, int end)
        {
            var values = new List<string>();
            while (reader.Index < end)
            {
                values.Add(reader.ReadStringWithLengthPrefix());
            }

            return new TxtRecord(info, values.ToArray(), values.ToArray());
        }

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

    /// <summary>One parsed DNS message: its id, whether it is a response, its questions and its records.</summary>
    internal sealed class MdnsAnswer
    {
        public MdnsAnswer(ushort id, bool isResponse, IReadOnlyList<(string Name, ResourceRecordType Type)> questions, IReadOnlyList<DnsResourceRecord> records)
        {
            Id = id;
            IsResponse = isResponse;
            Questions = questions;
            Records = records;
        }

        public ushort Id { get; }
        public bool IsResponse { get; }
        public IReadOnlyList<(string Name, ResourceRecordType Type)> Questions { get; }
        public IReadOnlyList<DnsResourceRecord> Records { get; }
    }
}
