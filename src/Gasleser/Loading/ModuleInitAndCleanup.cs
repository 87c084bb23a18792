using System.Management.Automation;

namespace Gasleser.Loading
{
    /// <summary>
    /// What PowerShell calls when the module is imported and removed: Import-Module registers the resolver that loads
    /// the module's dependencies from its dependencies/ folder (<see cref="PrivateDependencies"/>), Remove-Module
    /// unregisters it again (the last removal of the process does; each runspace imports on its own).
    /// Public only because PowerShell calls it; not for scripts.
    /// </summary>
    public sealed class ModuleInitAndCleanup : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        public void OnImport() => PrivateDependencies.Register();

        public void OnRemove(PSModuleInfo psModuleInfo) => PrivateDependencies.Unregister();
    }
}
