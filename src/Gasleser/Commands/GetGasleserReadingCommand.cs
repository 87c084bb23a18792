using System;
using System.Management.Automation;
using Gasleser.Sessions;

namespace Gasleser.Commands
{
    /// <summary>Get-GasleserReading: one reading from each device named.</summary>
    [Cmdlet(VerbsCommon.Get, "GasleserReading")]
    [OutputType(typeof(GasleserReading))]
    public sealed class GetGasleserReadingCommand : PSCmdlet, IDisposable
    {
        private readonly PipelineBridge _bridge = new PipelineBridge();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("IPAddress", "HostName", "CN")]
        [AddressArgument]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ComputerNameCompleter))]
        public string[] ComputerName { get; set; } = Array.Empty<string>();

        /// <summary>The device's HTTP port when the address names none.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = DeviceEndpoint.DefaultPort;

        /// <summary>Seconds for the whole exchange: connect, headers and body (the vendor's own client uses 5).</summary>
        [Parameter]
        [ValidateRange(1, 300)]
        public int TimeoutSec { get; set; } = 5;

        /// <summary>A reading this session already has, no older than this, is returned without a request. Seconds (60), '15m' or 00:15:00.</summary>
        [Parameter]
        [TimeSpanArgument(0)]
        public TimeSpan MaxAge { get; set; }

        /// <summary>Fail with Gasleser.RateLimited instead of waiting for the device's next slot.</summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        protected override void ProcessRecord()
        {
            TimeSpan timeout = TimeSpan.FromSeconds(TimeoutSec);
            TimeSpan? maxAge = MyInvocation.BoundParameters.ContainsKey(nameof(MaxAge)) ? MaxAge : (TimeSpan?)null;
            bool noWait = NoWait.IsPresent;

            foreach (string address in ComputerName)
            {
                DeviceEndpoint endpoint;
                try
                {
                    endpoint = PipedAddress.Parse(address, Port);
                }
                catch (GasleserInvalidAddressException ex)
                {
                    WriteError(ex.ToErrorRecord());
                    continue;
                }

                DeviceSession session = SessionRegistry.Get(endpoint);
                _bridge.Run(this, endpoint.ComputerName, async token =>
                {
                    try
                    {
                        GasleserReading reading = await session.ReadAsync(
                            timeout, maxAge, noWait, new VerboseOnly(message => _bridge.Post(() => WriteVerbose(message))), token).ConfigureAwait(false);
                        KnownDevices.Remember(reading);
                        _bridge.Post(() => WriteObject(reading));
                    }
                    catch (GasleserException ex) when (_bridge.ShouldReport(ex))
                    {
                        _bridge.Post(() => WriteError(ex.ToErrorRecord()));
                    }
                    catch (GasleserException)
                    {
                        // Said once already for this command.
                    }
                });
            }

            _bridge.Pump(untilDone: false);
        }

        protected override void EndProcessing() => _bridge.Pump(untilDone: true);

        protected override void StopProcessing() => _bridge.Stop();

        public void Dispose() => _bridge.Dispose();
    
        // Until the cmdlet base's output sink: the session only writes verbose lines.
        private sealed class VerboseOnly : Gasleser.Hosting.ICommandOutput
        {
            private readonly Action<string> _verbose;

            public VerboseOnly(Action<string> verbose) => _verbose = verbose;

            public void WriteObject(object item) { }

            public void WriteError(GasleserException error) { }

            public void WriteWarning(string message) { }

            public void WriteVerbose(string message) => _verbose(message);

            public void WriteProgress(ProgressRecord progress) { }
        }
    }
}
