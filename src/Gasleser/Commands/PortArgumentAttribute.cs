using System;
using System.Management.Automation;

namespace Gasleser.Commands
{
    /// <summary>
    /// An empty Port — a CSV cell left blank, bound by property name — means the default port, as an address
    /// without ":port" does; PowerShell alone would bind it as 0 and refuse the row.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class PortArgumentAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            return value == null || (value is string text && text.Trim().Length == 0) ? DeviceEndpoint.DefaultPort : inputData;
        }
    }
}
