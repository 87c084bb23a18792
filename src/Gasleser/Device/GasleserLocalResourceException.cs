using System.Management.Automation;

namespace Gasleser
{
    /// <summary>
    /// Gasleser.LocalResourceExhausted: this computer, not the device, ran out of something a request needs
    /// (file descriptors: "too many open files"; socket buffers: "no buffer space available"). Reported once
    /// per command, not as one unreachable device per address.
    /// </summary>
    public sealed class GasleserLocalResourceException : GasleserException
    {
        public GasleserLocalResourceException(string message, string computerName, System.Exception? inner = null) : base(message, computerName, inner) { }
        public override string ErrorId => "Gasleser.LocalResourceExhausted";
        public override ErrorCategory Category => ErrorCategory.ResourceUnavailable;
        public override string RecommendedAction =>
            "This computer ran out of sockets or open files, so some devices were not asked; the devices are not at fault. Close other programs that hold many connections, raise the limit on open files (ulimit -n), or ask fewer devices per command.";
    }
}
