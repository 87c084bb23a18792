using System;
using System.Management.Automation;

namespace Gasleser
{
    /// <summary>
    /// Gasleser.DependencyNotLoaded: one of the assemblies the module ships (in its folder or its dependencies/
    /// folder) could not be loaded — missing, damaged, or of another version than the module was built with.
    /// The target object is the assembly's name. It carries its own error record, so that thrown from any cmdlet
    /// it reaches the user with this error id.
    /// </summary>
    public sealed class GasleserDependencyException : GasleserException, IContainsErrorRecord
    {
        internal GasleserDependencyException(string message, string assemblyName, Version? requiredVersion, Version? foundVersion, Exception? inner)
            : base(message, "", inner)
        {
            AssemblyName = assemblyName;
            RequiredVersion = requiredVersion;
            FoundVersion = foundVersion;
            SetTarget(assemblyName);
        }

        /// <summary>The assembly that could not be loaded, e.g. "CsvHelper".</summary>
        public string AssemblyName { get; }

        /// <summary>The version the module needs.</summary>
        public Version? RequiredVersion { get; }

        /// <summary>The version the module's own folder holds; null when the file is missing.</summary>
        public Version? FoundVersion { get; }

        ErrorRecord IContainsErrorRecord.ErrorRecord => ToErrorRecord();

        public override string ErrorId => "Gasleser.DependencyNotLoaded";
        public override ErrorCategory Category => ErrorCategory.NotInstalled;
        public override string RecommendedAction =>
            "Install the module again, so that its folder is complete as shipped: Install-PSResource Gasleser -Reinstall, " +
            "or ./build.ps1 -Install from a clone. Then start a new PowerShell session.";
    }
}
