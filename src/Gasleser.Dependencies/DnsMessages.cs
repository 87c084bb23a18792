using System;
using System.Collections.Generic;
using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace Gasleser.Dependencies
{
    /// <summary>The record types an mDNS browse reads (RFC 1035, 2782, 3596 numbers); others keep their number.</summary>
    public enum DnsRecordType : ushort
    {
        A = 1,
        PTR = 12,
        TXT = 16,
        AAAA = 28,
        SRV = 33,
    }

    /// <summary>One resource record of a DNS message, with the data of the types a browse uses.</summary>
    public sealed class DnsRecord
    {
        public DnsRecord(string name, DnsRecordType type, ushort recordClass, int timeToLive)
        {
            Name = name;
            Type = type;
            Class = recordClass;
            TimeToLive = timeToLive;
        }

        /// <summary>The owner name, with its root dot: "gas-4224559459._gasleser._tcp.local.".</summary>
        public string Name { get; }

        public DnsRecordType Type { get; }

        /// <summary>The class without mDNS's cache-flush bit (1 is IN).</summary>
        public ushort Class { get; }

        public int TimeToLive { get; }

        /// <summary>PTR: the name pointed to; SRV: the target host (with its root dot).</summary>
        public string? Target { get; internal set; }

        /// <summary>SRV: the port.</summary>
        public int Port { get; internal set; }

        /// <summary>TXT: the strings, as sent.</summary>
        public IReadOnlyList<string> Text { get; internal set; } = Array.Empty<string>();

        /// <summary>A, AAAA: the address.</summary>
        public IPAddress? Address { get; internal set; }
    }

    /// <summary>One parsed DNS message: its id, whether it is a response, its questions and its records.</summary>
    public sealed class DnsMessage
    {
        public DnsMessage(ushort id, bool isResponse, IReadOnlyList<(string Name, DnsRecordType Type)> questions, IReadOnlyList<DnsRecord> records)
        {
            Id = id;
            IsResponse = isResponse;
            Questions = questions;
            Records = records;
        }

        public ushort Id { get; }
        public bool IsResponse { get; }

        /// <summary>The questions, names without their root dot.</summary>
        public IReadOnlyList<(string Name, DnsRecordType Type)> Questions { get; }

        public IReadOnlyList<DnsRecord> Records { get; }
    }

    /// <summary>
    /// Reads DNS messages (RFC 1035 wire format) with DnsClient's <see cref="DnsDatagramReader"/>: compressed names,
    /// pointers, length-prefixed strings and addresses are the delicate part, and DnsClient does them.
    /// </summary>
    public static class DnsMessages
    {
        /// <summary>The "cache flush" bit of an mDNS record's class (RFC 6762 section 10.2).</summary>
        public const ushort CacheFlushBit = 0x8000;

        /// <summary>
        /// Every record of a message (answers, authority and additional sections), in order; records of other types
        /// than <see cref="DnsRecordType"/> names are skipped. Throws <see cref="FormatException"/> for a message that
        /// is not well-formed.
        /// </summary>
        public static DnsMessage Read(byte[] buffer, int length)
        {
            try
            {
                return ReadCore(buffer, length);
            }
            catch (Exception ex) when (!(ex is FormatException))
            {
                throw new FormatException("not a well-formed DNS message: " + ex.Message, ex);
            }
        }

        private static DnsMessage ReadCore(byte[] buffer, int length)
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

            var questionNames = new List<(string Name, DnsRecordType Type)>();
            for (int i = 0; i < questions; i++)
            {
                DnsString name = reader.ReadQuestionQueryString();
                var type = (DnsRecordType)reader.ReadUInt16NetworkOrder();
                reader.ReadUInt16NetworkOrder(); // class
                questionNames.Add((name.Value.TrimEnd('.'), type));
            }

            var parsed = new List<DnsRecord>();
            for (int i = 0; i < records; i++)
            {
                DnsString name = reader.ReadDnsName();
                var type = (DnsRecordType)reader.ReadUInt16NetworkOrder();
                ushort recordClass = (ushort)(reader.ReadUInt16NetworkOrder() & ~CacheFlushBit);
                int ttl = (int)Math.Min(reader.ReadUInt32NetworkOrder(), int.MaxValue);
                int dataLength = reader.ReadUInt16NetworkOrder();
                int dataStart = reader.Index;
                if (dataStart + dataLength > length)
                {
                    throw new FormatException($"a record's data runs {dataStart + dataLength - length} bytes past the end of the message");
                }

                var record = new DnsRecord(name.Value, type, recordClass, ttl);
                bool known = true;
                switch (type)
                {
                    case DnsRecordType.PTR:
                        record.Target = reader.ReadDnsName().Value;
                        break;
                    case DnsRecordType.SRV:
                        reader.ReadUInt16NetworkOrder(); // priority
                        reader.ReadUInt16NetworkOrder(); // weight
                        record.Port = reader.ReadUInt16NetworkOrder();
                        record.Target = reader.ReadDnsName().Value;
                        break;
                    case DnsRecordType.TXT:
                        var values = new List<string>();
                        while (reader.Index < dataStart + dataLength)
                        {
                            values.Add(reader.ReadStringWithLengthPrefix());
                        }

                        record.Text = values;
                        break;
                    case DnsRecordType.A when dataLength == 4:
                        record.Address = reader.ReadIPAddress();
                        break;
                    case DnsRecordType.AAAA when dataLength == 16:
                        record.Address = reader.ReadIPv6Address();
                        break;
                    default:
                        known = false;
                        break;
                }

                int consumed = reader.Index - dataStart;
                if (!known)
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

            return new DnsMessage(id, (flags & 0x8000) != 0, questionNames, parsed);
        }
    }
}
