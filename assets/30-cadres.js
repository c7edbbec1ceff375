/* Cell renderers for the cadres pages' grids (dash-ag-grid): a cadre's name links to the profile. */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.CaCadreLink = function (props) {
  if (!props.data || !props.data.code) {
    return props.value;
  }
  return React.createElement(
    "a",
    { href: "/cadres/profile?code=" + encodeURIComponent(props.data.code), className: "ca-cadre-link" },
    props.value
  );
};
