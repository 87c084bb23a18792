@{
    RootModule           = 'Gasleser.dll'
    # Stamped with VersionPrefix from Directory.Build.props when the module is staged (build/Module.targets).
    ModuleVersion        = '0.0.0'
    GUID                 = '5f0c3b8e-2d3a-4b7e-9a41-6c1e8f2d7a90'
    Author               = 'Gasleser developers'
    CompanyName          = 'Gasleser project'
    Copyright            = '(c) Gasleser developers. MIT licence.'
    Description          = 'Reads the Gasleser gas-meter device over its local HTTP API (GET /v1/data) and returns typed readings: meter total in m3, flow in m3/h, device time. Keeps the device''s one-request-per-10-seconds limit across every cmdlet and runspace in the process.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('Gasleser.format.ps1xml', 'Gasleser.Usage.format.ps1xml')
    CmdletsToExport      = @('Get-GasleserReading', 'Watch-GasleserReading', 'Find-Gasleser', 'Get-GasleserSession', 'Measure-GasleserUsage', 'Export-GasleserLog', 'Import-GasleserLog')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Gasleser', 'GasMeter', 'Gas', 'SmartHome', 'Energy', 'Meter', 'IoT', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://github.com/gasleser/gasleser-powershell/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/gasleser/gasleser-powershell'
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
