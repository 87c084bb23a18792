using System;
using System.Net;

namespace Gasleser.Hosting
{
    /// <summary>
    /// The module's process-wide settings, in one place: what every runspace of this process shares and what
    /// tests change (through <see cref="InternalHooks"/> from PowerShell, directly from xunit). Nothing else in
    /// the module keeps mutable static settings; the sessions' registry and the exchange permits are the
    /// process's shared state, kept by Sessions.
    /// </summary>
    internal static class ProcessWide
    {
        /// <summary>Where mDNS queries go: the multicast group of RFC 6762.</summary>
        public static readonly IPEndPoint MdnsMulticastGroup = new IPEndPoint(IPAddress.Parse("224.0.0.251"), 5353);

        private static volatile IClock _clock = SystemClock.Instance;
        private static volatile string? _privateFolder = Hosting.PrivateFolder.DefaultPath();
        private static volatile IPEndPoint _mdnsTarget = MdnsMulticastGroup;

        /// <summary>
        /// The clock every wait and label uses: the system's, unless a test or simulation installs its own.
        /// Read at each use, so a change applies at once.
        /// </summary>
        public static IClock Clock
        {
            get => _clock;
            set => _clock = value ?? SystemClock.Instance;
        }

        /// <summary>
        /// This user's private folder for the files the module keeps for itself (slot files, known devices);
        /// null keeps none: spacing across processes is off and known devices are not remembered.
        /// </summary>
        public static string? PrivateFolder
        {
            get => _privateFolder;
            set => _privateFolder = value;
        }

        /// <summary>Where Find-Gasleser's mDNS browse sends its query (a test points it at a loopback responder).</summary>
        public static IPEndPoint MdnsTarget
        {
            get => _mdnsTarget;
            set => _mdnsTarget = value ?? MdnsMulticastGroup;
        }

        /// <summary>
        /// This machine's subnets as a test pins them (CIDR text such as "127.88.1.0/24"): when set, they are what
        /// Find-Gasleser sweeps by default and where a device is looked for, instead of the interfaces' own. Tests
        /// and benchmarks pin them (and <see cref="MdnsTarget"/>) so that nothing searches the machine's real
        /// networks. Null (the default): the interfaces'.
        /// </summary>
        public static string[]? PinnedSubnets { get; set; }

        /// <summary>
        /// Called with the address and port of every connection to a device before it is opened; what it throws
        /// refuses the connection. For tests that must see that an address is never contacted. Null: none.
        /// </summary>
        public static Action<IPEndPoint>? ConnectObserver { get; set; }

        /// <summary>How long an mDNS browse listens for answers.</summary>
        public static TimeSpan MdnsWindow { get; set; } = TimeSpan.FromSeconds(1.5);

        /// <summary>Rows Export-GasleserLog keeps while their file is held; later ones are counted as lost.</summary>
        public static int LogMaxPendingRows { get; set; } = 10_000;

        /// <summary>How long a log writer tries to get a file that another writer of ours holds for one row.</summary>
        public static TimeSpan LogContentionWait { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>How often waiting rows are tried again while their file is held.</summary>
        public static TimeSpan LogRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>How long the end of Export-GasleserLog waits for a log another program holds.</summary>
        public static TimeSpan LogHeldFilePatience { get; set; } = TimeSpan.FromSeconds(30);
    }
}
