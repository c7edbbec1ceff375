/* Cell renderers for the cadres pages' grids (dash-ag-grid): links to a cadre's profile and
   to a personnel decision's page. The row's own field (code, id) makes the address. */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

function caLinkRenderer(path, key, className) {
  return function (props) {
    if (!props.data || !props.data[key]) {
      return props.value;
    }
    return React.createElement(
      "a", { href: path + encodeURIComponent(props.data[key]), className: className }, props.value
    );
  };
}

dagcomponentfuncs.CaCadreLink = caLinkRenderer("/cadres/profile?code=", "code", "ca-cadre-link");
dagcomponentfuncs.CaDecisionLink = caLinkRenderer("/decisions/view?id=", "id", "ca-dc-link");
